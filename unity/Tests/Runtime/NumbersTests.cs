using System;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>
    /// Correctly rounded number parsing and Python-repr formatting. Expected bit patterns come from
    /// CPython's float() (correctly rounded); some runtimes' double.Parse is off by one ulp on these.
    /// </summary>
    [TestFixture]
    public sealed class NumbersTests
    {
        [TestCase("0.1522825062274933", "3fc37dfe40000000")]
        [TestCase("0.3645320534706116", "3fd7547e40000000")]
        [TestCase("0.1", "3fb999999999999a")]
        [TestCase("0.3333333333333333", "3fd5555555555555")]
        [TestCase("5e-324", "0000000000000001")]
        [TestCase("2.2250738585072014e-308", "0010000000000000")]
        [TestCase("1.7976931348623157e+308", "7fefffffffffffff")]
        [TestCase("0.30000000000000004", "3fd3333333333334")]
        [TestCase("1.23456789e-15", "3cd63d708192711b")]
        [TestCase("-0.5240707397460938", "bfe0c53000000000")]
        [TestCase("0.08845844864845276", "3fb6a53680000000")]
        [TestCase("-0.2600896656513214", "bfd0a54f20000000")]
        [TestCase("0.15228250622749329", "3fc37dfe40000000")]
        [TestCase("0.10000000000000001", "3fb999999999999a")]
        [TestCase("1.7976931348623158e308", "7fefffffffffffff")]
        [TestCase("1.7976931348623159e308", "7ff0000000000000")]
        [TestCase("2.4703282292062328e-324", "0000000000000001")]
        [TestCase("2.4703282292062327e-324", "0000000000000000")]
        [TestCase("9007199254740993", "4340000000000000")]
        [TestCase("1e23", "44b52d02c7e14af6")]
        [TestCase("8.98846567431158e307", "7fe0000000000000")]
        [TestCase("-0.0", "8000000000000000")]
        [TestCase("1E-3", "3f50624dd2f1a9fc")]
        [TestCase("123456789012345678901234567890", "45f8ee90ff6c373e")]
        public void ParsesToTheNearestDouble(string text, string bits)
        {
            double v = Numbers.Parse(text);
            Assert.AreEqual(bits, BitConverter.DoubleToInt64Bits(v).ToString("x16"), text);
        }

        [TestCase("0.1522825062274933")]
        [TestCase("0.1")]
        [TestCase("0.3333333333333333")]
        [TestCase("5e-324")]
        [TestCase("2.2250738585072014e-308")]
        [TestCase("1.7976931348623157e+308")]
        [TestCase("0.30000000000000004")]
        [TestCase("1.23456789e-15")]
        [TestCase("-0.5240707397460938")]
        [TestCase("0.08845844864845276")]
        [TestCase("1e+23")]
        [TestCase("1700000000.25")]
        [TestCase("-0.0")]
        public void FormatsLikePythonRepr(string repr)
        {
            Assert.AreEqual(repr, Numbers.PythonRepr(Numbers.Parse(repr)));
        }

        [TestCase("")]
        [TestCase("-")]
        [TestCase("1.")]
        [TestCase(".5")]
        [TestCase("01")]
        [TestCase("1e")]
        [TestCase("1e+")]
        [TestCase("+1")]
        [TestCase("0x10")]
        [TestCase("1,5")]
        [TestCase("nan")]
        [TestCase("inf")]
        [TestCase(" 1")]
        public void RejectsWhatIsNotAJsonNumber(string text)
        {
            double v;
            Assert.IsFalse(Numbers.TryParse(text, out v), text);
        }

        [Test]
        public void EveryFloat32RoundTripsThroughItsRepr()
        {
            // Landmarks are float32; their float64 repr (what Python writes) must read back exactly.
            var random = new Random(7);
            var bytes = new byte[4];
            for (int i = 0; i < 20000; i++)
            {
                random.NextBytes(bytes);
                float f = BitConverter.ToSingle(bytes, 0);
                if (float.IsNaN(f) || float.IsInfinity(f))
                    continue;
                double d = f;
                string repr = Numbers.PythonRepr(d);
                Assert.AreEqual(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(Numbers.Parse(repr)), repr);
            }
        }
    }
}
