//! Stored records: postcard inside a versioned envelope.
//!
//! Every value on disk is `[record version: u8][postcard bytes]`. postcard is not self-describing, so
//! adding a field means a new record version: bump `VERSION`, keep the old struct, and teach
//! `upgrade` to read it. Old databases keep opening; records are rewritten lazily on their next write.

use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("empty record")]
    Empty,
    #[error("record version {0} is unknown to this server")]
    UnknownVersion(u8),
    #[error("corrupt record: {0}")]
    Corrupt(#[from] postcard::Error),
}

pub trait Record: Serialize + DeserializeOwned {
    /// The version written by this code.
    const VERSION: u8;

    /// Read a record written by an older version. The default knows no older versions.
    fn upgrade(version: u8, _bytes: &[u8]) -> Result<Self, CodecError> {
        Err(CodecError::UnknownVersion(version))
    }
}

pub fn encode<T: Record>(v: &T) -> Vec<u8> {
    let mut out = vec![T::VERSION];
    // Serialising plain structs of strings, integers and vectors into a Vec cannot fail.
    out.extend(postcard::to_stdvec(v).unwrap_or_default());
    out
}

pub fn decode<T: Record>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version == T::VERSION { Ok(postcard::from_bytes(body)?) } else { T::upgrade(version, body) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct V1 {
        a: String,
    }
    impl Record for V1 {
        const VERSION: u8 = 1;
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct V2 {
        a: String,
        b: u32,
    }
    impl Record for V2 {
        const VERSION: u8 = 2;
        fn upgrade(version: u8, bytes: &[u8]) -> Result<Self, CodecError> {
            match version {
                1 => {
                    let old: V1 = postcard::from_bytes(bytes)?;
                    Ok(V2 { a: old.a, b: 0 })
                }
                v => Err(CodecError::UnknownVersion(v)),
            }
        }
    }

    #[test]
    fn old_records_upgrade_and_garbage_is_refused() {
        let old = encode(&V1 { a: "x".into() });
        assert_eq!(decode::<V2>(&old).unwrap(), V2 { a: "x".into(), b: 0 });
        assert!(matches!(decode::<V1>(&[9, 1, 2]), Err(CodecError::UnknownVersion(9))));
        assert!(matches!(decode::<V1>(&[]), Err(CodecError::Empty)));
        assert!(decode::<V2>(&[2, 200]).is_err());
    }
}
