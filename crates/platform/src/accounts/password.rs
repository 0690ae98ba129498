//! Password hashing with argon2id (PHC strings, default parameters: 19 MiB, t=2, p=1).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use kumiai_core::Msg;

pub const MIN_LEN: usize = 10;

pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("hash: {e}"))?.to_string())
}

pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash that matches nothing, verified against when the login is unknown so that unknown and
/// known logins take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("no-such-user-dummy-password").expect("hash"))
}

pub fn check_policy(password: &str) -> Result<(), Msg> {
    if password.chars().count() < MIN_LEN {
        return Err(Msg::new(
            format!("パスワードは{MIN_LEN}文字以上にしてください。"),
            format!("Use at least {MIN_LEN} characters."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_and_are_salted() {
        let a = super::hash("correct horse battery").unwrap();
        let b = super::hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(super::verify("correct horse battery", &a));
        assert!(!super::verify("correct horse batterx", &a));
        assert!(super::check_policy("短い").is_err());
    }
}
