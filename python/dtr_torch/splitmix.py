"""SplitMix64 as the Swift engine's `SplitMix64`: the integer stream (routing tables, KID subsets) and
`fillNormal` (the initial noise of sample grids and of the FID probe), so both engines start sampling from
the same x_T."""
import numpy as np

GAMMA = 0x9E3779B97F4A7C15
M64 = (1 << 64) - 1


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class SplitMix64:
    """state += γ; mix. `next_int(n)` is next() % n, as the Swift `nextInt`."""

    def __init__(self, seed):
        self.state = seed & M64

    def next(self):
        self.state = (self.state + GAMMA) & M64
        return _mix(self.state)

    def next_int(self, n):
        return self.next() % n

    def permutation(self, n):
        """Fisher–Yates from the top, index drawn as next() % (i+1)."""
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_int(i + 1)
            p[i], p[j] = p[j], p[i]
        return p

    def fill_normal(self, count):
        """`count` float32 standard normals exactly as `SplitMix64.fillNormal` draws them: pair i is
        Box–Muller on mix(state + (i+1)·γ) with the FastMath polynomials; advances the state likewise."""
        pairs = (count + 1) // 2
        with np.errstate(over="ignore"):
            k = np.arange(1, pairs + 1, dtype=np.uint64)
            z = np.uint64(self.state) + k * np.uint64(GAMMA)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            bits = z ^ (z >> np.uint64(31))
        self.state = (self.state + pairs * GAMMA) & M64
        f = np.float32
        u1 = ((bits >> np.uint64(40)).astype(np.int64) + 1).astype(f) * f(1.0 / 16_777_216.0)
        phi = ((bits >> np.uint64(16)) & np.uint64(0xFFFFFF)).astype(f) * (f(np.pi) / f(2) / f(16_777_216.0))
        r = np.sqrt(f(-2) * _fast_log(u1))
        c, s = _quarter_sin_cos(phi)
        a = r * c
        b = r * s
        a = np.where((bits & np.uint64(1)) != 0, -a, a)
        b = np.where((bits & np.uint64(2)) != 0, -b, b)
        out = np.empty(2 * pairs, dtype=f)
        out[0::2], out[1::2] = a, b
        return out[:count]


def _fast_log(x):
    """FastMath.log in float32: x = m·2ᵉ, m ∈ [√½, √2), ln m = 2·atanh((m−1)/(m+1)) to s⁹."""
    f = np.float32
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(f)
    m = ((bits & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(f)
    big = m > f(1.41421356)
    m = np.where(big, m * f(0.5), m)
    e = np.where(big, e + f(1), e)
    s = (m - f(1)) / (m + f(1))
    s2 = s * s
    series = f(0.11111111)
    for coef in (0.14285714, 0.2, 0.33333333, 1.0):
        series = series * s2 + f(coef)
    return e * f(0.69314718) + f(2) * s * series


def _quarter_sin_cos(phi):
    """FastMath.quarterSinCos in float32 (Taylor polynomials to φ¹² and φ¹¹)."""
    f = np.float32
    x2 = phi * phi
    sin = f(-2.5052108e-8)
    for coef in (2.7557319e-6, -1.984127e-4, 8.3333333e-3, -0.16666667):
        sin = sin * x2 + f(coef)
    sin = (sin * x2 + f(1)) * phi
    cos = f(2.0876757e-9)
    for coef in (-2.7557319e-7, 2.4801587e-5, -1.3888889e-3, 4.1666667e-2, -0.5, 1.0):
        cos = cos * x2 + f(coef)
    return cos, sin
