using System;
using System.Globalization;
using System.Numerics;

namespace PoseBridge
{
    /// <summary>
    /// Culture-independent, correctly rounded number text conversion, the same on every runtime.
    /// </summary>
    /// <remarks>
    /// Some runtimes' <c>double.Parse</c> is off by one unit in the last place for 16–17 digit inputs
    /// (mono's is), and their <c>"R"</c> format is not the shortest round-trip text (on mono 6.8 it is longer for
    /// about 4 in 10 random doubles, and about 1 in 15,000 does not even read back as the same double). Protocol values must
    /// decode to the bit-identical double the server encoded, so this class parses with an exact check
    /// (Clinger's fast path for short inputs, big-integer comparison of the neighbours otherwise) and
    /// formats like Python's <c>repr</c>.
    /// </remarks>
    public static class Numbers
    {
        static readonly double[] Pow10 =
        {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
            1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        };

        /// <summary>
        /// Parse a JSON-grammar number (<c>-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?</c>) to the nearest double
        /// (ties to even). Returns false when <paramref name="text"/> is not such a number. Overflow gives
        /// an infinity, underflow a (signed) zero, as Python's <c>float()</c> does.
        /// </summary>
        public static bool TryParse(string text, out double value)
        {
            value = 0;
            if (string.IsNullOrEmpty(text))
                return false;
            int pos = 0, n = text.Length;
            bool negative = text[0] == '-';
            if (negative)
                pos++;
            int intStart = pos;
            while (pos < n && text[pos] >= '0' && text[pos] <= '9')
                pos++;
            int intDigits = pos - intStart;
            if (intDigits == 0 || (intDigits > 1 && text[intStart] == '0'))
                return false;
            int fracStart = pos, fracDigits = 0;
            if (pos < n && text[pos] == '.')
            {
                pos++;
                fracStart = pos;
                while (pos < n && text[pos] >= '0' && text[pos] <= '9')
                    pos++;
                fracDigits = pos - fracStart;
                if (fracDigits == 0)
                    return false;
            }
            long exp = 0;
            if (pos < n && (text[pos] == 'e' || text[pos] == 'E'))
            {
                pos++;
                bool expNeg = false;
                if (pos < n && (text[pos] == '+' || text[pos] == '-'))
                {
                    expNeg = text[pos] == '-';
                    pos++;
                }
                int expStart = pos;
                while (pos < n && text[pos] >= '0' && text[pos] <= '9')
                {
                    if (exp < 100000)
                        exp = exp * 10 + (text[pos] - '0');
                    pos++;
                }
                if (pos == expStart)
                    return false;
                if (expNeg)
                    exp = -exp;
            }
            if (pos != n)
                return false;

            // Significant digits without leading zeros, and the power of ten they are scaled by.
            string digits = text.Substring(intStart, intDigits) + (fracDigits > 0 ? text.Substring(fracStart, fracDigits) : "");
            long k = exp - fracDigits;
            digits = digits.TrimStart('0');
            int trailing = 0;
            while (trailing < digits.Length && digits[digits.Length - 1 - trailing] == '0')
                trailing++;
            digits = digits.Substring(0, digits.Length - trailing);
            k += trailing;
            if (digits.Length == 0)
            {
                value = negative ? -0.0 : 0.0;
                return true;
            }
            if (k + digits.Length > 310)
            {
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            }
            if (k + digits.Length < -330)
            {
                value = negative ? -0.0 : 0.0;
                return true;
            }
            double magnitude;
            if (digits.Length <= 15 && k >= -22 && k <= 22)
            {
                // Clinger's fast path: both operands exact, so one IEEE operation rounds correctly.
                double d = (double)long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
                magnitude = k >= 0 ? d * Pow10[k] : d / Pow10[-k];
            }
            else
                magnitude = Exact(BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture), (int)k,
                    text.Substring(negative ? 1 : 0));
            value = negative ? -magnitude : magnitude;
            return true;
        }

        /// <summary>Parse or throw <see cref="FormatException"/>.</summary>
        public static double Parse(string text)
        {
            double v;
            if (!TryParse(text, out v))
                throw new FormatException("not a number: '" + text + "'");
            return v;
        }

        static double Exact(BigInteger digits, int k, string positiveText)
        {
            double approx;
            if (!double.TryParse(positiveText, NumberStyles.Float, CultureInfo.InvariantCulture, out approx) || double.IsInfinity(approx))
                approx = double.MaxValue;
            double best = approx;
            BigInteger bestDistance = BigInteger.MinusOne;
            long bits = BitConverter.DoubleToInt64Bits(approx);
            // The platform parser is within an ulp: compare the exact distances of the neighbours, all scaled
            // by the same 10^max(0,-k) · 2^twoScale so that every quantity is an integer.
            int twoScale = 0;
            for (long delta = -1; delta <= 1; delta++)
            {
                long b = bits + delta;
                if (b >= 0 && b < 0x7ff0000000000000L)
                    twoScale = Math.Max(twoScale, -Exponent(b));
            }
            BigInteger scaledValue = digits * Pow10Big(Math.Max(0, k)) << twoScale;
            BigInteger candidateScale = Pow10Big(Math.Max(0, -k));
            for (long delta = -1; delta <= 1; delta++)
            {
                long b = bits + delta;
                if (b < 0 || b >= 0x7ff0000000000000L)
                    continue;
                BigInteger candidate = new BigInteger(Mantissa(b)) * candidateScale << (Exponent(b) + twoScale);
                BigInteger distance = BigInteger.Abs(scaledValue - candidate);
                int cmp = bestDistance.Sign < 0 ? -1 : BigInteger.Compare(distance, bestDistance);
                if (cmp < 0 || (cmp == 0 && (b & 1) == 0))
                {
                    best = BitConverter.Int64BitsToDouble(b);
                    bestDistance = distance;
                }
            }
            if (BitConverter.DoubleToInt64Bits(best) == 0x7fefffffffffffffL)
            {
                // At or beyond the largest double plus half an ulp (2^1024 - 2^970), IEEE rounding gives infinity.
                BigInteger limit = (BigInteger.One << 1024) - (BigInteger.One << 970);
                if (digits * Pow10Big(Math.Max(0, k)) >= limit * Pow10Big(Math.Max(0, -k)))
                    return double.PositiveInfinity;
            }
            return best;
        }

        // Filled once at type initialisation: read-only afterwards, so safe from any thread.
        static readonly BigInteger[] Pow10Cache = MakePow10Cache(400);

        static BigInteger[] MakePow10Cache(int n)
        {
            var cache = new BigInteger[n];
            cache[0] = BigInteger.One;
            for (int i = 1; i < n; i++)
                cache[i] = cache[i - 1] * 10;
            return cache;
        }

        static BigInteger Pow10Big(int n)
        {
            return n < Pow10Cache.Length ? Pow10Cache[n] : BigInteger.Pow(10, n);
        }

        /// <summary>The binary exponent e of a finite positive double m·2^e (m the integer significand).</summary>
        static int Exponent(long bits)
        {
            int biased = (int)((bits >> 52) & 0x7ff);
            return biased == 0 ? -1074 : biased - 1075;
        }

        static long Mantissa(long bits)
        {
            long mantissa = bits & 0xfffffffffffffL;
            return ((bits >> 52) & 0x7ff) == 0 ? mantissa : mantissa | (1L << 52);
        }

        /// <summary>
        /// A finite double as Python's <c>repr</c> writes it: the shortest text that reads back as the
        /// same double, with <c>.0</c> or an exponent (<c>2.0</c>, <c>0.5</c>, <c>1e-05</c>, <c>1e+16</c>).
        /// </summary>
        public static string PythonRepr(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
                throw new ArgumentException("must be finite", "value");
            if (value == 0)
                return (1 / value) < 0 ? "-0.0" : "0.0";
            string r = null;
            for (int precision = 1; precision <= 17; precision++)
            {
                r = value.ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
                double back;
                if (TryParse(r.Replace("E+", "e").Replace("E-", "e-"), out back) && back == value)
                    break;
            }
            // r is d.ddddE+xxx: lay it out as Python's float_repr_style 'short'.
            bool negative = r[0] == '-';
            if (negative)
                r = r.Substring(1);
            int ePos = r.IndexOf('E');
            int exp = int.Parse(r.Substring(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            string digits = r.Substring(0, ePos).Replace(".", "").TrimEnd('0');
            if (digits.Length == 0)
                digits = "0";
            int pointPos = exp + 1;
            string body;
            if (exp < -4 || exp >= 16)
            {
                string mantissa = digits.Length == 1 ? digits : digits.Substring(0, 1) + "." + digits.Substring(1);
                body = mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
            }
            else if (pointPos <= 0)
                body = "0." + new string('0', -pointPos) + digits;
            else if (pointPos >= digits.Length)
                body = digits + new string('0', pointPos - digits.Length) + ".0";
            else
                body = digits.Substring(0, pointPos) + "." + digits.Substring(pointPos);
            return negative ? "-" + body : body;
        }
    }
}
