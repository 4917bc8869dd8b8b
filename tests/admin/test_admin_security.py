"""Password hashing and the login rate limiter."""

from __future__ import annotations

from bot.admin.security import LoginRateLimiter, check_password_strength, hash_password, verify_password


def test_hash_is_salted_and_verifies() -> None:
    a, b = hash_password("mot-mat-khau-1"), hash_password("mot-mat-khau-1")
    assert a != b  # per-user salt
    assert a.startswith("scrypt$") and "mot-mat-khau-1" not in a
    assert verify_password("mot-mat-khau-1", a) and verify_password("mot-mat-khau-1", b)
    assert not verify_password("mot-mat-khau-2", a)


def test_malformed_hash_is_rejected() -> None:
    assert not verify_password("x", "")
    assert not verify_password("x", "md5$abc")
    assert not verify_password("x", "scrypt$1$2$3$!!$??")


def test_weak_passwords_are_refused() -> None:
    assert check_password_strength("ngan1") is not None
    assert check_password_strength("1234567890123") is not None
    assert check_password_strength("du-dai-va-co-so-1") is None


def test_rate_limiter_blocks_after_max_failures() -> None:
    limiter = LoginRateLimiter(max_failures=3, window_seconds=60)
    for _ in range(2):
        limiter.record_failure("ip:1", "user:a")
    assert not limiter.blocked("ip:1")
    limiter.record_failure("ip:1", "user:a")
    assert limiter.blocked("ip:1") and limiter.blocked("user:a")
    assert not limiter.blocked("ip:2")
    limiter.reset("ip:1")
    assert not limiter.blocked("ip:1")
