"""The test suite."""

# The users' passwords in the suite are hashed with scrypt at its smallest cost that werkzeug
# takes (n=128, r=1): a test logs in and makes users by the hundred, and what a password
# test checks (a hash upgraded when the parameters change) holds whatever they are.
# Production keeps werkzeug's scrypt defaults.
CHEAP_PASSWORD_METHOD = "scrypt:128:1:1"
