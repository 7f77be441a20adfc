//! Slows password guessing down without letting anyone lock a user out.
//!
//! OWASP's Authentication Cheat Sheet ("Protect Against Automated Attacks", "Account
//! Lockout") and its Blocking Brute Force Attacks page are the reference: a flat
//! lockout per account lets anyone lock a coach out by failing on purpose, so Forma
//! counts failed sign-ins per account *and client address together*, and per client
//! address across accounts (guessing many accounts from one place), and answers a
//! key that failed too often with a delay that grows with each further failure
//! rather than a ban:
//!
//! - after [`FREE_PER_ACCOUNT`] failures for one account from one address, the next
//!   attempt for that account from that address waits [`FIRST_DELAY`], doubling with
//!   each further failure up to [`MAX_DELAY`];
//! - after [`FREE_PER_ADDRESS`] failures from one address, on any accounts, the same
//!   for every attempt from that address;
//! - a key's failures are forgotten [`FORGET_AFTER`] after its last one, and a
//!   successful sign-in forgets those of its account and address together (not
//!   those of the address: one account of one's own must not reset guessing others).
//!
//! No count is per account alone, so a correct password from an address with no
//! recent failures is never refused. A sign-in in progress is not a failure: instead,
//! sign-ins for one account from one address run one at a time (and at most
//! [`IN_FLIGHT_PER_ADDRESS`] at once from one address), so parallel guesses cannot
//! slip past a count that is about to be reached. IPv6 addresses count by their /64
//! network, the block one subscriber usually has.
//!
//! The counts live in this process's memory: a restart forgets them, and several
//! servers behind a load balancer each count on their own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// Failures for one account from one address before delays begin.
pub const FREE_PER_ACCOUNT: u32 = 5;
/// Failures from one address, across accounts, before delays begin.
pub const FREE_PER_ADDRESS: u32 = 20;
/// The first delay; each further failure doubles it.
pub const FIRST_DELAY: Duration = Duration::from_secs(15);
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// A key's failures are forgotten this long after its last one.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Sign-ins from one address that are checked at the same time.
pub const IN_FLIGHT_PER_ADDRESS: usize = 4;
/// How long a sign-in waits for its turn before the server answers that it is busy.
pub const TURN_WAIT: Duration = Duration::from_secs(30);

/// Where failures are counted: an address, or an IPv6 /64 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressKey(Option<IpAddr>);

impl AddressKey {
    pub fn of(ip: Option<IpAddr>) -> AddressKey {
        AddressKey(ip.map(|ip| match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
            },
            v4 => v4,
        }))
    }
}

type PairKey = (String, AddressKey);

/// Failures of one key.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// How long until an attempt may go ahead, given `free` failures without delay.
    fn wait(&self, free: u32, now: Instant) -> Option<Duration> {
        if self.count < free || now.duration_since(self.last) >= FORGET_AFTER {
            return None;
        }
        let doublings = (self.count - free).min(16);
        let delay = FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY);
        (self.last + delay)
            .checked_duration_since(now)
            .filter(|left| !left.is_zero())
    }

    fn forgotten(&self, now: Instant) -> bool {
        now.duration_since(self.last) >= FORGET_AFTER
    }
}

#[derive(Debug, Default)]
struct Counts {
    pairs: HashMap<PairKey, Failures>,
    addresses: HashMap<AddressKey, Failures>,
    /// One sign-in at a time per account and address.
    turns: HashMap<PairKey, Arc<tokio::sync::Mutex<()>>>,
    /// A few sign-ins at a time per address.
    slots: HashMap<AddressKey, Arc<Semaphore>>,
    /// Failures recorded since forgotten keys were last swept.
    since_sweep: usize,
}

impl Counts {
    fn record(&mut self, pair: &PairKey, now: Instant) {
        let fresh = Failures {
            count: 0,
            last: now,
        };
        bump(self.pairs.entry(pair.clone()).or_insert(fresh), now);
        bump(self.addresses.entry(pair.1).or_insert(fresh), now);
        self.since_sweep += 1;
        if self.since_sweep >= 1024 {
            self.since_sweep = 0;
            self.pairs.retain(|_, f| !f.forgotten(now));
            self.addresses.retain(|_, f| !f.forgotten(now));
        }
    }
}

fn bump(failures: &mut Failures, now: Instant) {
    if failures.forgotten(now) {
        failures.count = 0;
    }
    failures.count = failures.count.saturating_add(1);
    failures.last = now;
}

/// Why a sign-in may not go ahead now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many recent failures for this account from this address, or from this
    /// address: wait this long.
    Delayed(Duration),
    /// The sign-ins before it did not finish within [`TURN_WAIT`].
    Busy,
}

/// Counts of failed sign-ins, and the turns of sign-ins in progress.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    counts: Mutex<Counts>,
}

impl LoginLimiter {
    /// Waits for the turn of a sign-in of `email` (normalised) from `ip`, then
    /// checks the counts. The [`Attempt`] keeps the turn until it is told how the
    /// sign-in went, or dropped (a sign-in that never finished counts as nothing).
    ///
    /// # Errors
    /// [`Refusal::Delayed`] with the time left to wait; [`Refusal::Busy`] when the
    /// turn did not come in time.
    pub async fn begin(
        self: &Arc<Self>,
        email: &str,
        ip: Option<IpAddr>,
    ) -> Result<Attempt, Refusal> {
        let pair: PairKey = (email.to_owned(), AddressKey::of(ip));
        let (turn, slot) = {
            let mut counts = self.lock();
            let turn = counts.turns.entry(pair.clone()).or_default().clone();
            let slot = counts
                .slots
                .entry(pair.1)
                .or_insert_with(|| Arc::new(Semaphore::new(IN_FLIGHT_PER_ADDRESS)))
                .clone();
            (turn, slot)
        };
        let mut attempt = Attempt {
            limiter: self.clone(),
            pair,
            turn: None,
            slot: None,
        };
        let waited = tokio::time::timeout(TURN_WAIT, async {
            let turn = turn.lock_owned().await;
            let slot = slot.acquire_owned().await;
            (turn, slot)
        })
        .await;
        let Ok((turn, Ok(slot))) = waited else {
            return Err(Refusal::Busy);
        };
        attempt.turn = Some(turn);
        attempt.slot = Some(slot);
        match self.wait_at(&attempt.pair, Instant::now()) {
            Some(left) => Err(Refusal::Delayed(left)),
            None => Ok(attempt),
        }
    }

    fn wait_at(&self, pair: &PairKey, now: Instant) -> Option<Duration> {
        let counts = self.lock();
        let by_pair = counts
            .pairs
            .get(pair)
            .and_then(|f| f.wait(FREE_PER_ACCOUNT, now));
        let by_address = counts
            .addresses
            .get(&pair.1)
            .and_then(|f| f.wait(FREE_PER_ADDRESS, now));
        by_pair.max(by_address)
    }

    fn failed_at(&self, pair: &PairKey, now: Instant) {
        self.lock().record(pair, now);
    }

    fn succeeded(&self, pair: &PairKey) {
        self.lock().pairs.remove(pair);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        // A panic while holding the lock leaves plain counters: still usable.
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A sign-in that has its turn. Tell it how the sign-in went.
#[derive(Debug)]
pub struct Attempt {
    limiter: Arc<LoginLimiter>,
    pair: PairKey,
    turn: Option<OwnedMutexGuard<()>>,
    slot: Option<OwnedSemaphorePermit>,
}

impl Attempt {
    /// The password was wrong or the email unknown.
    pub fn failed(self) {
        self.limiter.failed_at(&self.pair, Instant::now());
    }

    /// The password was right: the account's failures from this address are forgotten.
    pub fn succeeded(self) {
        self.limiter.succeeded(&self.pair);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        self.turn.take();
        self.slot.take();
        // Forget the turn and slot of a key nobody else waits for.
        let mut counts = self.limiter.lock();
        if counts
            .turns
            .get(&self.pair)
            .is_some_and(|turn| Arc::strong_count(turn) == 1)
        {
            counts.turns.remove(&self.pair);
        }
        if counts
            .slots
            .get(&self.pair.1)
            .is_some_and(|slot| Arc::strong_count(slot) == 1)
        {
            counts.slots.remove(&self.pair.1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("address"))
    }

    fn pair(email: &str, address: &str) -> PairKey {
        (email.to_owned(), AddressKey::of(ip(address)))
    }

    #[test]
    fn delays_begin_after_the_free_failures_and_double_up_to_the_cap() {
        let limiter = LoginLimiter::default();
        let key = pair("a@b.c", "10.0.0.1");
        let start = Instant::now();
        for n in 0..FREE_PER_ACCOUNT {
            assert_eq!(limiter.wait_at(&key, start), None, "failure {n}");
            limiter.failed_at(&key, start);
        }
        assert_eq!(limiter.wait_at(&key, start), Some(FIRST_DELAY));
        assert_eq!(limiter.wait_at(&key, start + FIRST_DELAY), None);
        limiter.failed_at(&key, start + FIRST_DELAY);
        assert_eq!(
            limiter.wait_at(&key, start + FIRST_DELAY),
            Some(FIRST_DELAY * 2)
        );
        let mut now = start + FIRST_DELAY;
        for _ in 0..20 {
            limiter.failed_at(&key, now);
            now += Duration::from_secs(1);
        }
        assert_eq!(
            limiter.wait_at(&key, now),
            Some(MAX_DELAY - Duration::from_secs(1))
        );
        assert_eq!(limiter.wait_at(&key, now + FORGET_AFTER), None);
    }

    #[test]
    fn failures_from_one_address_do_not_delay_the_account_elsewhere() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        let guessed = pair("coach@demo.forma", "10.0.0.1");
        for _ in 0..FREE_PER_ACCOUNT * 3 {
            limiter.failed_at(&guessed, now);
        }
        assert!(limiter.wait_at(&guessed, now).is_some());
        assert_eq!(
            limiter.wait_at(&pair("coach@demo.forma", "10.0.0.2"), now),
            None
        );
        // Other accounts from the guessing address go on until that address's count.
        assert_eq!(
            limiter.wait_at(&pair("p01@demo.forma", "10.0.0.1"), now),
            None
        );
    }

    #[test]
    fn many_accounts_guessed_from_one_address_delay_that_address() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        for n in 0..FREE_PER_ADDRESS {
            limiter.failed_at(&pair(&format!("user{n}@x.y"), "10.0.0.9"), now);
        }
        assert_eq!(
            limiter.wait_at(&pair("someone@x.y", "10.0.0.9"), now),
            Some(FIRST_DELAY)
        );
        assert_eq!(limiter.wait_at(&pair("someone@x.y", "10.0.0.8"), now), None);
    }

    #[test]
    fn a_success_forgets_the_account_and_address_but_not_the_address() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        let key = pair("a@b.c", "10.0.0.1");
        for _ in 0..FREE_PER_ACCOUNT {
            limiter.failed_at(&key, now);
        }
        limiter.succeeded(&key);
        assert_eq!(limiter.wait_at(&key, now), None);
        assert_eq!(limiter.lock().addresses[&key.1].count, FREE_PER_ACCOUNT);
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_bit_network() {
        assert_eq!(
            AddressKey::of(ip("2001:db8:1:2:aaaa::1")),
            AddressKey::of(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            AddressKey::of(ip("2001:db8:1:2::1")),
            AddressKey::of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            AddressKey::of(ip("::ffff:10.0.0.1")),
            AddressKey::of(ip("10.0.0.1"))
        );
    }

    #[tokio::test]
    async fn sign_ins_of_one_account_from_one_address_take_turns() {
        let limiter = Arc::new(LoginLimiter::default());
        let first = limiter.begin("a@b.c", ip("10.0.0.1")).await.expect("first");
        let waiting = {
            let limiter = limiter.clone();
            tokio::spawn(async move { limiter.begin("a@b.c", ip("10.0.0.1")).await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the second waits for the first");
        // Another account from the same address does not wait.
        let other = limiter.begin("d@e.f", ip("10.0.0.1")).await.expect("other");
        other.succeeded();
        first.failed();
        assert_eq!(waiting.await.expect("task"), Ok(()));
        assert!(limiter.lock().turns.is_empty(), "turns are cleaned up");
    }
}
