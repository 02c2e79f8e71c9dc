#pragma once

#include <pthread.h>

namespace hnemu {

// The engine's state lock: held shared by a provider's reads, alone by everything else.
// std::shared_mutex is glibc's default reader-writer lock, which prefers readers: a steady stream
// of overlapping reads (a client polling on many connections) could keep a create, or the clock,
// waiting for ever. Here a waiting writer goes first: new readers queue behind it. Not
// recursive: a thread holding it shared must not take it again.
class StateLock {
 public:
  StateLock() {
    pthread_rwlockattr_t attributes;
    pthread_rwlockattr_init(&attributes);
    pthread_rwlockattr_setkind_np(&attributes, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attributes);
    pthread_rwlockattr_destroy(&attributes);
  }
  ~StateLock() { pthread_rwlock_destroy(&lock_); }
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace hnemu
