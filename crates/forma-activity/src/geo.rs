//! Great-circle distance between two track points.

/// The Earth's mean radius R1 = (2a + b) / 3 of the WGS 84 ellipsoid, in
/// kilometres (Moritz, "Geodetic Reference System 1980", Bulletin Géodésique
/// 54, 1980, as used by the IUGG). A sphere of this radius is within about
/// 0.5 % of the ellipsoidal distance anywhere on Earth.
pub const EARTH_MEAN_RADIUS_KM: f64 = 6371.0088;

/// The haversine great-circle distance in kilometres between two points given
/// in decimal degrees (Sinnott, "Virtues of the Haversine", Sky and Telescope
/// 68(2), 1984, p. 159):
///
/// a = sin²(Δφ/2) + cos φ₁ · cos φ₂ · sin²(Δλ/2),
/// d = 2R · asin(√a), with R = [`EARTH_MEAN_RADIUS_KM`].
///
/// ```
/// use forma_activity::haversine_km;
///
/// // One degree of latitude is about 111.2 km.
/// assert!((haversine_km(0.0, 0.0, 1.0, 0.0) - 111.195).abs() < 0.001);
/// ```
pub fn haversine_km(lat1_deg: f64, lon1_deg: f64, lat2_deg: f64, lon2_deg: f64) -> f64 {
    let (phi1, phi2) = (lat1_deg.to_radians(), lat2_deg.to_radians());
    let d_phi = (lat2_deg - lat1_deg).to_radians();
    let d_lambda = (lon2_deg - lon1_deg).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    // min(1) guards against rounding just above 1 for antipodal points.
    2.0 * EARTH_MEAN_RADIUS_KM * a.sqrt().min(1.0).asin()
}
