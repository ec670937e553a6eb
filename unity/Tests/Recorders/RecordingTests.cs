using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using NUnit.Framework;
using PoseBridge.Recording;

namespace PoseBridge.Tests
{
    /// <summary>
    /// The recorders' plain C# logic: spherical coordinates and look-at bases (the same conventions as
    /// bridge/evaluation/geometry.py), the sweep grid and plan, the ground-truth line format and the manifest.
    /// </summary>
    [TestFixture]
    public sealed class SphericalTests
    {
        const double Tol = 1e-9;

        [TestCase(0.0, 0.0, 2.0, 2.0, 0.0, 0.0)]
        [TestCase(2.0, 0.0, 0.0, 2.0, 90.0, 0.0)]
        [TestCase(0.0, 0.0, -2.0, 2.0, 180.0, 0.0)]
        [TestCase(-2.0, 0.0, 0.0, 2.0, -90.0, 0.0)]
        [TestCase(0.0, 3.0, 0.0, 3.0, 0.0, 90.0)]
        [TestCase(0.0, -3.0, 0.0, 3.0, 0.0, -90.0)]
        [TestCase(1.0, 1.0, 0.0, 1.4142135623730951, 90.0, 45.0)]
        [TestCase(1.0, 1.4142135623730951, 1.0, 2.0, 45.0, 45.0)]
        [TestCase(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)]
        public void FromCartesianUsesYUp(double x, double y, double z, double r, double azimuth, double elevation)
        {
            SphericalPosition s = Spherical.FromCartesian(new Vec3(x, y, z));
            Assert.AreEqual(r, s.Radius, Tol);
            Assert.AreEqual(azimuth, s.Azimuth, Tol);
            Assert.AreEqual(elevation, s.Elevation, Tol);
        }

        [Test]
        public void RoundTrip()
        {
            var rng = new Random(3);
            for (int i = 0; i < 200; i++)
            {
                var p = new Vec3(rng.NextDouble() * 8 - 4, rng.NextDouble() * 8 - 4, rng.NextDouble() * 8 - 4);
                Vec3 q = Spherical.ToCartesian(Spherical.FromCartesian(p));
                Assert.AreEqual(p.X, q.X, 1e-12);
                Assert.AreEqual(p.Y, q.Y, 1e-12);
                Assert.AreEqual(p.Z, q.Z, 1e-12);
            }
        }

        [TestCase(0.0, 1.5, -3.0)]
        [TestCase(3.0, 0.0, 0.0)]
        [TestCase(2.0, 2.0, 2.0)]
        [TestCase(0.0, 4.0, 0.0)]
        [TestCase(0.0, -4.0, 0.0)]
        [TestCase(0.001, 5.0, 0.0)]
        public void CameraLooksAtTheRootWithYUp(double x, double y, double z)
        {
            var p = new Vec3(x, y, z);
            Vec3 right, up, forward;
            Spherical.LookAtBasis(p, out right, out up, out forward);
            double len = Spherical.Length(p);
            Assert.AreEqual(-x / len, forward.X, Tol);
            Assert.AreEqual(-y / len, forward.Y, Tol);
            Assert.AreEqual(-z / len, forward.Z, Tol);
            Assert.AreEqual(1.0, Spherical.Length(right), Tol);
            Assert.AreEqual(1.0, Spherical.Length(up), Tol);
            Assert.AreEqual(0.0, Dot(right, up), Tol);
            Assert.AreEqual(0.0, Dot(right, forward), Tol);
            Assert.AreEqual(0.0, right.Y, Tol, "no roll: the image x axis is horizontal");
            Assert.GreaterOrEqual(up.Y, -Tol, "image up never points down");
        }

        [Test]
        public void DefaultUnityCameraHasTheIdentityBasis()
        {
            Vec3 right, up, forward;
            Spherical.LookAtBasis(new Vec3(0, 0, -5), out right, out up, out forward);
            AssertVec(new Vec3(1, 0, 0), right);
            AssertVec(new Vec3(0, 1, 0), up);
            AssertVec(new Vec3(0, 0, 1), forward);
        }

        [Test]
        public void StraightAboveUsesTheAzimuthLimit()
        {
            // Same numbers as bridge.evaluation.geometry.camera_rotation((0, 3, 0)).
            Vec3 right, up, forward;
            Spherical.LookAtBasis(new Vec3(0, 3, 0), out right, out up, out forward);
            AssertVec(new Vec3(-1, 0, 0), right);
            AssertVec(new Vec3(0, 0, -1), up);
            AssertVec(new Vec3(0, -1, 0), forward);
        }

        [Test]
        public void CameraAtTheRootIsRejected()
        {
            Vec3 r, u, f;
            Assert.Throws<ArgumentException>(() => Spherical.LookAtBasis(new Vec3(0, 0, 0), out r, out u, out f));
        }

        static double Dot(Vec3 a, Vec3 b) { return a.X * b.X + a.Y * b.Y + a.Z * b.Z; }

        static void AssertVec(Vec3 expected, Vec3 actual)
        {
            Assert.AreEqual(expected.X, actual.X, Tol, "x");
            Assert.AreEqual(expected.Y, actual.Y, Tol, "y");
            Assert.AreEqual(expected.Z, actual.Z, Tol, "z");
        }
    }

    [TestFixture]
    public sealed class SweepGridTests
    {
        [TestCase(1.0, 1.0, 0.0, new[] { 1.0 })]
        [TestCase(2.0, 4.0, 1.0, new[] { 2.0, 3.0, 4.0 })]
        [TestCase(2.0, 4.5, 1.0, new[] { 2.0, 3.0, 4.0 })]
        [TestCase(0.0, 0.3, 0.1, new[] { 0.0, 0.1, 0.2, 0.30000000000000004 })]
        [TestCase(-90.0, 90.0, 90.0, new[] { -90.0, 0.0, 90.0 })]
        public void RangeValues(double min, double max, double step, double[] expected)
        {
            List<double> values = new GridRange(min, max, step).Values("x");
            Assert.AreEqual(expected.Length, values.Count);
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], values[i], 1e-9);
        }

        [TestCase(2.0, 1.0, 1.0, "max is smaller than min")]
        [TestCase(1.0, 2.0, -1.0, "step must be >= 0")]
        [TestCase(0.0, 1e9, 1.0, "more than 100,000 values")]
        public void BadRanges(double min, double max, double step, string message)
        {
            var e = Assert.Throws<ArgumentException>(() => new GridRange(min, max, step).Values("radius"));
            StringAssert.Contains(message, e.Message);
            StringAssert.StartsWith("radius: ", e.Message);
        }

        [Test]
        public void GridOrderAndDeduplication()
        {
            // Azimuth -180..180 in 90s: -180 and 180 are one direction; elevation 90 is one position per radius.
            List<SphericalPosition> grid = SphericalGrid.Build(
                new GridRange(2, 3, 1), new GridRange(-180, 180, 90), new GridRange(0, 90, 45));
            Assert.AreEqual(2 * (4 + 4 + 1), grid.Count);
            Assert.AreEqual(new SphericalPosition(2, 180, 0), grid[0], "-180 is reported as 180");
            Assert.AreEqual(new SphericalPosition(2, -90, 0), grid[1]);
            Assert.AreEqual(new SphericalPosition(2, 90, 0), grid[3]);
            Assert.AreEqual(new SphericalPosition(2, 180, 45), grid[4]);
            Assert.AreEqual(new SphericalPosition(2, 0, 90), grid[8]);
            Assert.AreEqual(new SphericalPosition(3, 180, 0), grid[9]);
        }

        [Test]
        public void GridRejectsImpossiblePositions()
        {
            Assert.Throws<ArgumentException>(() => SphericalGrid.Build(new GridRange(0, 1, 1), new GridRange(0, 0, 0), new GridRange(0, 0, 0)));
            Assert.Throws<ArgumentException>(() => SphericalGrid.Build(new GridRange(1, 1, 0), new GridRange(0, 0, 0), new GridRange(0, 120, 60)));
        }

        [TestCase(0.0, 0.0)]
        [TestCase(180.0, 180.0)]
        [TestCase(-180.0, 180.0)]
        [TestCase(270.0, -90.0)]
        [TestCase(-450.0, -90.0)]
        [TestCase(720.0, 0.0)]
        public void NormalizeAzimuth(double input, double expected)
        {
            Assert.AreEqual(expected, SphericalGrid.NormalizeAzimuth(input), 1e-12);
        }

        [Test]
        public void ClipPlanHasOneFolderPerPosition()
        {
            var positions = new List<SphericalPosition> { new SphericalPosition(2.5, -45, 30), new SphericalPosition(3, 0, 0) };
            List<SweepStep> steps = SweepPlan.Build(positions, SweepMode.ClipPerPosition, 60);
            Assert.AreEqual("pos0000_r2.5_a-45_e30", steps[0].Name);
            Assert.AreEqual("pos0000_r2.5_a-45_e30/%05d.png", steps[0].ImagePattern);
            Assert.AreEqual("pos0000_r2.5_a-45_e30/00059.png", steps[0].ImageFile(59));
            Assert.AreEqual("pos0001_r3_a0_e0/truth.txt", steps[1].TruthFile);
            Assert.AreEqual(60, steps[1].Frames);
            Assert.AreEqual(0, steps[1].FirstFrame);
            ManifestRow row = steps[1].ManifestRow(SweepMode.ClipPerPosition);
            Assert.AreEqual(-1, row.Frame);
            Assert.AreEqual(3.0, row.Camera.Z, 1e-12);
            Assert.Throws<ArgumentException>(() => SweepPlan.Build(positions, SweepMode.ClipPerPosition, 0));
        }

        [Test]
        public void OneFramePerPositionPlanIsTheThesisLayout()
        {
            var positions = new List<SphericalPosition> { new SphericalPosition(2, 0, 0), new SphericalPosition(2, 90, 0), new SphericalPosition(2, 180, 0) };
            List<SweepStep> steps = SweepPlan.Build(positions, SweepMode.OneFramePerPosition, 60);
            for (int i = 0; i < 3; i++)
            {
                Assert.AreEqual("frames/%05d.png", steps[i].ImagePattern);
                Assert.AreEqual("truth.txt", steps[i].TruthFile);
                Assert.AreEqual(1, steps[i].Frames);
                Assert.AreEqual(i, steps[i].FirstFrame);
                Assert.AreEqual(i, steps[i].ManifestRow(SweepMode.OneFramePerPosition).Frame);
            }
            Assert.AreEqual(2.0, steps[1].Offset.X, 1e-12);
        }
    }

    [TestFixture]
    public sealed class GroundTruthFormatTests
    {
        [Test]
        public void LineFormat()
        {
            Assert.AreEqual("Landmark [12, mixamorig2:LeftArm]: (0.1, 1.4, -0.02)",
                GroundTruthFormat.Line(12, "mixamorig2:LeftArm", 0.1f, 1.4f, -0.02f));
        }

        [TestCase("mixamorig2", "LeftArm", "mixamorig2:LeftArm")]
        [TestCase("humanoid", "LeftUpperArm", "humanoid:LeftUpperArm")]
        [TestCase("rig", "mixamorig2:LeftArm", "mixamorig2:LeftArm")]
        [TestCase("", "Hips", "rig:Hips")]
        [TestCase("x", "Left Arm", "x:Left Arm")]
        public void BoneKeys(string rig, string bone, string expected)
        {
            Assert.AreEqual(expected, GroundTruthFormat.BoneKey(rig, bone));
        }

        [TestCase("")]
        [TestCase("  ")]
        [TestCase("Arm[1]")]
        [TestCase("a,b")]
        [TestCase("line\nbreak")]
        public void BadBoneNames(string bone)
        {
            Assert.Throws<ArgumentException>(() => GroundTruthFormat.BoneKey("rig", bone));
        }

        [TestCase(0.1f, "0.1")]
        [TestCase(-1.5f, "-1.5")]
        [TestCase(1e-5f, "1E-05")]
        [TestCase(123456.7f, "123456.7")]
        [TestCase(0.333333343f, "0.333333343")]
        public void NumbersRoundTripAsFloats(float value, string expected)
        {
            string text = GroundTruthFormat.Number(value);
            Assert.AreEqual(expected, text);
            Assert.AreEqual(value, float.Parse(text, CultureInfo.InvariantCulture));
        }

        [Test]
        public void NumbersReadBackAsTheSameFloat()
        {
            // What GroundTruthFormat.Number promises on this runtime: every float reads back exactly, through the
            // txt reader's parser (a double narrowed to float, as Python's reader does). Bit patterns at random.
            var random = new Random(12);
            var bytes = new byte[4];
            int checkedValues = 0;
            while (checkedValues < 20000)
            {
                random.NextBytes(bytes);
                float value = BitConverter.ToSingle(bytes, 0);
                if (float.IsNaN(value) || float.IsInfinity(value))
                    continue;
                checkedValues++;
                string text = GroundTruthFormat.Number(value);
                double back;
                Assert.IsTrue(Numbers.TryParse(text, out back), text);
                Assert.AreEqual(BitConverter.ToInt32(bytes, 0), BitConverter.ToInt32(BitConverter.GetBytes((float)back), 0),
                    text + " reads back as " + ((float)back).ToString("R", CultureInfo.InvariantCulture));
            }
        }

        [TestCase("de-DE")]
        [TestCase("fr-FR")]
        [TestCase("ru-RU")]
        public void NumbersAreInvariantInAnyCulture(string culture)
        {
            CultureInfo saved = Thread.CurrentThread.CurrentCulture;
            try
            {
                Thread.CurrentThread.CurrentCulture = new CultureInfo(culture);
                Assert.AreEqual("0,5", 0.5.ToString(CultureInfo.CurrentCulture), "the culture really uses a decimal comma");
                Assert.AreEqual("Landmark [0, rig:Hips]: (0.5, -1.25, 3)", GroundTruthFormat.Line(0, "rig:Hips", 0.5f, -1.25f, 3f));
                Assert.AreEqual("1.5,2.5,-3,a/b.png,t.txt,7,n",
                    ManifestWriter.FormatRow(new ManifestRow { Camera = new Vec3(1.5, 2.5, -3), Video = "a/b.png", Truth = "t.txt", Frame = 7, Name = "n" }));
            }
            finally
            {
                Thread.CurrentThread.CurrentCulture = saved;
            }
        }

        [Test]
        public void NonFiniteNumbersAreRejected()
        {
            Assert.Throws<ArgumentException>(() => GroundTruthFormat.Number(float.NaN));
            Assert.Throws<ArgumentException>(() => GroundTruthFormat.Number(float.PositiveInfinity));
        }

        [Test]
        public void WriterWritesFramesThatTheTxtReaderReadsBack()
        {
            var text = new StringWriter();
            using (var writer = new GroundTruthWriter(text))
            {
                var keys = new[] { "mixamorig2:LeftUpLeg", "mixamorig2:RightUpLeg" };
                writer.WriteFrame(0, keys, new[] { 0.1f, 0.9f, 0f, -0.1f, 0.9f, 0f });
                writer.WriteFrame(1, keys, new[] { 0.2f, 0.9f, 0f, -0.0f, 0.9f, 0.5f });
                Assert.Throws<ArgumentException>(() => writer.WriteFrame(1, keys, new float[6]), "frames must increase");
                Assert.Throws<ArgumentException>(() => writer.WriteFrame(2, keys, new float[5]));
                Assert.AreEqual(2, writer.FramesWritten);
                string written = text.ToString();
                StringAssert.StartsWith("Landmark [0, mixamorig2:LeftUpLeg]: (0.1, 0.9, 0)\nLandmark [0, mixamorig2:RightUpLeg]: (-0.1, 0.9, 0)\n", written);
                TxtRecording rec = TxtRecording.Parse(written, "truth.txt");
                Assert.AreEqual(2, rec.Frames.Count);
                Assert.AreEqual(2, rec.JointNames.Count);
                Assert.AreEqual((double)0.2f, rec.Frames[1].Points[0].Value.X, 1e-7);
                Assert.AreEqual(0.5, rec.Frames[1].Points[1].Value.Z, 1e-7);
            }
        }

        [Test]
        public void WriterCreatesTheFileAndItsFolder()
        {
            string dir = Path.Combine(Path.GetTempPath(), "posebridge-gt-" + Guid.NewGuid().ToString("N"));
            string path = Path.Combine(dir, "clip", "truth.txt");
            try
            {
                using (var writer = new GroundTruthWriter(path))
                    writer.WriteFrame(0, new[] { "rig:Hips" }, new[] { 1f, 2f, 3f });
                Assert.AreEqual("Landmark [0, rig:Hips]: (1, 2, 3)\n", File.ReadAllText(path));
            }
            finally
            {
                if (Directory.Exists(dir))
                    Directory.Delete(dir, true);
            }
        }
    }

    [TestFixture]
    public sealed class ManifestTests
    {
        [Test]
        public void HeaderAndRows()
        {
            var text = new StringWriter();
            using (var m = new ManifestWriter(text))
            {
                m.Write(new ManifestRow { Camera = new Vec3(0, 1.5, -3), Video = "pos0000/%05d.png", Truth = "pos0000/truth.txt", Frame = -1, Name = "pos0000" });
                m.Write(new ManifestRow { Camera = new Vec3(0.1, 0, 2), Video = "frames\\%05d.png", Truth = "truth.txt", Frame = 3, Name = "a,\"b\"" });
                Assert.AreEqual(2, m.RowsWritten);
                Assert.AreEqual(
                    "camera_x,camera_y,camera_z,video,truth,frame,name\n" +
                    "0,1.5,-3,pos0000/%05d.png,pos0000/truth.txt,,pos0000\n" +
                    "0.1,0,2,frames/%05d.png,truth.txt,3,\"a,\"\"b\"\"\"\n",
                    text.ToString());
            }
        }

        [Test]
        public void RowsNeedVideoAndTruth()
        {
            Assert.Throws<ArgumentException>(() => ManifestWriter.FormatRow(new ManifestRow { Camera = new Vec3(1, 0, 0), Truth = "t.txt" }));
            Assert.Throws<ArgumentException>(() => ManifestWriter.FormatRow(new ManifestRow { Camera = new Vec3(double.NaN, 0, 0), Video = "v", Truth = "t" }));
        }
    }
}
