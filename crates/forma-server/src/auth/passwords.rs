//! Password hashing on a bounded pool of threads.
//!
//! argon2id with its default parameters (the ones OWASP's Password Storage Cheat
//! Sheet gives: 19 MiB, 2 passes, 1 lane) takes [`MEMORY_PER_HASH`] and tens of
//! milliseconds of one core for every sign-in, on purpose. Run on tokio's blocking
//! threads, as many hashes would run at once as sign-ins arrive: 128 at once took
//! more than 2 GB and every core. Here a fixed number of threads check passwords,
//! each in one argon2 buffer it allocates once and reuses, so memory for sign-ins
//! is `threads x MEMORY_PER_HASH` however many come, and the other cores keep
//! answering everything else. Sign-ins wait their turn, at most [`QUEUE`] of them
//! and for at most [`WAIT`]; beyond that they answer 503.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{oneshot, Semaphore};

/// argon2's default memory cost (19,456 KiB), allocated anew for every hash.
pub const MEMORY_PER_HASH: usize = 19 * 1024 * 1024;
/// Sign-ins that may wait for a hashing thread; more answer 503 at once.
pub const QUEUE: usize = 256;
/// The longest a sign-in waits for a hashing thread.
pub const WAIT: Duration = Duration::from_secs(10);

/// No hashing thread was free in time, or too many sign-ins wait already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the password check is busy; try again in a moment")]
pub struct HashingBusy;

enum Job {
    Verify {
        password: String,
        hash: String,
        answer: oneshot::Sender<bool>,
    },
    Hash {
        password: String,
        answer: oneshot::Sender<anyhow::Result<String>>,
    },
}

/// The threads that hash and check passwords.
#[derive(Debug)]
pub struct PasswordPool {
    jobs: Mutex<mpsc::Sender<Job>>,
    /// Queue places plus running jobs.
    places: Arc<Semaphore>,
    threads: usize,
    waiting: AtomicUsize,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Job::Verify { .. } => "Job::Verify",
            Job::Hash { .. } => "Job::Hash",
        })
    }
}

impl PasswordPool {
    /// Half the cores (at least one), so that sign-ins never take every core.
    pub fn threads_for_this_machine() -> usize {
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    }

    /// Starts `threads` hashing threads. They end when the pool is dropped.
    ///
    /// # Errors
    /// When the system cannot start a thread.
    pub fn start(threads: usize) -> std::io::Result<PasswordPool> {
        let threads = threads.max(1);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("forma-password-{n}"))
                .spawn(move || {
                    // This thread's argon2 memory, allocated at its first check.
                    let mut memory = Vec::new();
                    loop {
                        let job = {
                            let receiver = receiver
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                            receiver.recv()
                        };
                        match job {
                            Ok(job) => run(job, &mut memory),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(PasswordPool {
            jobs: Mutex::new(sender),
            places: Arc::new(Semaphore::new(threads)),
            threads,
            waiting: AtomicUsize::new(0),
        })
    }

    /// How many threads hash.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Whether `password` matches the PHC-format `hash` (false for a hash that
    /// cannot be read).
    ///
    /// # Errors
    /// [`HashingBusy`] when no thread was free in time.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, HashingBusy> {
        self.run(|answer| Job::Verify {
            password,
            hash,
            answer,
        })
        .await
    }

    /// An argon2id hash of `password` with a new random salt.
    ///
    /// # Errors
    /// [`HashingBusy`] wrapped in the error when no thread was free in time.
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.run(|answer| Job::Hash { password, answer }).await?
    }

    async fn run<T>(&self, job: impl FnOnce(oneshot::Sender<T>) -> Job) -> Result<T, HashingBusy> {
        // A place in the queue first, so that a flood waits in memory as small
        // futures, never as threads or hash buffers.
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= QUEUE {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(HashingBusy);
        }
        let permit = tokio::time::timeout(WAIT, self.places.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let Ok(Ok(_permit)) = permit else {
            return Err(HashingBusy);
        };
        let (answer, answered) = oneshot::channel();
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(job(answer))
            .map_err(|_| HashingBusy)?;
        // The permit is held until the thread answers, so at most `threads` jobs
        // are ever handed over.
        answered.await.map_err(|_| HashingBusy)
    }
}

fn run(job: Job, memory: &mut Vec<Block>) {
    match job {
        Job::Verify {
            password,
            hash,
            answer,
        } => {
            let _ = answer.send(verify_in(memory, &password, &hash));
        }
        Job::Hash { password, answer } => {
            let _ = answer.send(crate::store::users::hash_password(&password));
        }
    }
}

/// Whether `password` matches the PHC-format `hash`, computed in `memory` (grown to
/// the hash's memory cost if needed, and kept for the next check). The same steps
/// as `password_hash::PasswordVerifier::verify_password`, which allocates anew each
/// time: the hash's algorithm, version, parameters and salt, then a constant-time
/// comparison of the outputs (`Output`'s equality).
fn verify_in(memory: &mut Vec<Block>, password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    // Every block is written before it is read, so a reused buffer needs no clearing.
    memory.resize(params.block_count(), Block::default());
    let mut computed = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    if argon2
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, &mut memory[..])
        .is_err()
    {
        return false;
    }
    Output::new(&computed).is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_verify_and_a_flood_waits_its_turn() {
        let pool = Arc::new(PasswordPool::start(1).expect("threads"));
        let hash = pool.hash("a long password".to_owned()).await.expect("hash");
        assert!(pool
            .verify("a long password".to_owned(), hash.clone())
            .await
            .expect("verified"));
        assert!(!pool
            .verify("another password".to_owned(), hash.clone())
            .await
            .expect("verified"));
        assert!(!pool
            .verify("x".to_owned(), "not a hash".to_owned())
            .await
            .expect("verified"));
        // The reused buffer gives the same answers as argon2's own check.
        let mut memory = Vec::new();
        for (password, expected) in [("a long password", true), ("A long password", false)] {
            use argon2::password_hash::PasswordVerifier;
            let parsed = PasswordHash::new(&hash).expect("hash");
            let theirs = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            assert_eq!(theirs, expected);
            assert_eq!(verify_in(&mut memory, password, &hash), expected);
        }
        assert_eq!(memory.len() * std::mem::size_of::<Block>(), MEMORY_PER_HASH);
        let checks: Vec<_> = (0..6)
            .map(|_| {
                let (pool, hash) = (pool.clone(), hash.clone());
                tokio::spawn(async move { pool.verify("a long password".to_owned(), hash).await })
            })
            .collect();
        for check in checks {
            assert_eq!(check.await.expect("task"), Ok(true));
        }
    }
}
