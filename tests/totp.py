"""The codes an authenticator app would show, for tests that sign in through
the forms (with Django's test client or in the browser)."""

import time

from django_otp.oath import TOTP


def code_at(device, when: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = when
    return f"{totp.token():0{device.digits}d}"


def fresh_code(device) -> str:
    """A code ``device`` accepts now. It never accepts a time step twice, so
    right after a sign-in with the same device this is the next step's code
    (within its tolerance of one step), or, failing that, it waits for one."""
    device.refresh_from_db()
    now = time.time()
    current = int((now - device.t0) // device.step)
    step = max(current, device.last_t + 1)
    for _second in range(2 * device.step):
        if step <= current + device.tolerance:
            break
        time.sleep(1)  # (a frozen clock would never get there: hence the bound)
        current = int((time.time() - device.t0) // device.step)
    else:
        raise AssertionError("no unused time step within reach")
    return code_at(device, device.t0 + step * device.step)
