using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>The txt recording reader: seed and ground-truth variants, malformed lines, cultures, files the Python writer wrote.</summary>
    [TestFixture]
    public sealed class TxtRecordingTests
    {
        static string SeedFrame(int frame, Func<int, string> xyz)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < 33; i++)
                sb.Append("Landmark [").Append(frame).Append(',').Append(i).Append("]: (").Append(xyz(i)).Append(")\n");
            return sb.ToString();
        }

        [Test]
        public void ReadsTheSeedFormatExactly()
        {
            string text = SeedFrame(0, i => i == 16 ? "0.4049343168735504, 0.093745157122612, -0.12304607778787613" : "0.5, -0.25, 1e-05")
                          + SeedFrame(1, i => "-1, -1, -1");
            TxtRecording rec = TxtRecording.Parse(text, "seed.txt");
            Assert.AreEqual(TxtKind.Seed, rec.Kind);
            Assert.AreEqual(2, rec.Frames.Count);
            Assert.AreEqual(33, rec.JointNames.Count);
            Vec3 wrist = rec.Frames[0].Points[16].Value;
            Assert.AreEqual(0.4049343168735504, wrist.X);
            Assert.AreEqual(0.093745157122612, wrist.Y);
            Assert.AreEqual(-0.12304607778787613, wrist.Z);
            Assert.AreEqual(1e-05, rec.Frames[0].Points[0].Value.Z);
            Assert.IsTrue(rec.Frames[0].Detected);
            Assert.IsFalse(rec.Frames[1].Detected, "33 lines of (-1, -1, -1) mean nobody was detected");
            Assert.IsNull(rec.ToBlock(rec.Frames[1]));
            float[] block = rec.ToBlock(rec.Frames[0]);
            Assert.AreEqual((float)0.4049343168735504, FrameMessage.Get(block, 16, 0));
            Assert.AreEqual(1f, FrameMessage.Get(block, 16, 3), "visibility is not stored: read back as 1");
            Assert.IsEmpty(rec.Warnings);
        }

        [Test]
        public void ReadsTheGroundTruthVariant()
        {
            const string text =
                "Landmark [0, mixamorig2:Hips]: (0.0, 1.0, 0.0)\r\n" +
                "Landmark [0, mixamorig2:LeftArm]: (0.2, 1.4, 0.02)\r\n" +
                "\r\n" +
                "Landmark [1, mixamorig2:Hips]: (0.01, 1.0, 0.0)\r\n" +
                "Landmark [1, mixamorig2:LeftArm]: (0.21, 1.41, 0.02)\r\n";
            TxtRecording rec = TxtRecording.Parse(text, "truth.txt");
            Assert.AreEqual(TxtKind.GroundTruth, rec.Kind);
            Assert.AreEqual(new[] { "mixamorig2:Hips", "mixamorig2:LeftArm" }, rec.JointNames.ToArray());
            Assert.AreEqual(2, rec.Frames.Count);
            Assert.AreEqual(new Vec3(0.21, 1.41, 0.02), rec.Frames[1].Points[1].Value);
            Assert.AreEqual("LeftArm", MixamoRig.StripPrefix(rec.JointNames[1]));
            Assert.IsNull(rec.ToBlock(rec.Frames[0]), "ground truth has no landmark block");
        }

        [Test]
        public void MixamoBonesConnectJointsPresentInTheFile()
        {
            int[][] bones = MixamoRig.BonesFor(new[] { "mixamorig:Hips", "mixamorig:Spine", "mixamorig:LeftUpLeg", "x:Head" });
            Assert.AreEqual(2, bones.Length); // Hips-Spine, Hips-LeftUpLeg; Head has no parent here
            Assert.AreEqual(new[] { 0, 1 }, bones[0]);
            Assert.AreEqual(new[] { 0, 2 }, bones[1]);
        }

        // Each malformed line is line 3 of its file, between two good lines.
        [TestCase("Landmark 0,3: (1, 2, 3)", "expected 'Landmark [FRAME,INDEX]: (x, y, z)'")]
        [TestCase("Landmrk [0,3]: (1, 2, 3)", "expected 'Landmark [FRAME,INDEX]: (x, y, z)'")]
        [TestCase("Landmark [0;3]: (1, 2, 3)", "expected 'Landmark [FRAME,INDEX]: (x, y, z)'")]
        [TestCase("Landmark [x,3]: (1, 2, 3)", "frame number 'x' is not a non-negative integer")]
        [TestCase("Landmark [-1,3]: (1, 2, 3)", "frame number '-1' is not a non-negative integer")]
        [TestCase("Landmark [0,33]: (1, 2, 3)", "landmark index '33' is not in 0..32")]
        [TestCase("Landmark [0,3]: (1, 2)", "expected 3 coordinates, got 2")]
        [TestCase("Landmark [0,3]: (1, 2, 3, 4)", "expected 3 coordinates, got 4")]
        [TestCase("Landmark [0,3]: 1, 2, 3", "expected '(x, y, z)' after the colon")]
        [TestCase("Landmark [0,3] (1, 2, 3)", "expected 'Landmark [FRAME,INDEX]: (x, y, z)'")]
        [TestCase("Landmark [0,3]: (1, zwei, 3)", "coordinate 'zwei' is not a finite number")]
        [TestCase("Landmark [0,3]: (1, nan, 3)", "coordinate 'nan' is not a finite number")]
        [TestCase("Landmark [0,3]: (1,5, 2, 3)", "expected 3 coordinates, got 4")]
        [TestCase("Landmark [0,1]: (1, 2, 3)", "joint 1 appears twice in frame 0")]
        [TestCase("Landmark [0, mixamorig:Hips]: (1, 2, 3)", "mixes landmark indices and joint names in one file")]
        public void MalformedLineNamesFileLineNumberAndLine(string bad, string problem)
        {
            string text = "Landmark [0,0]: (1, 2, 3)\nLandmark [0,1]: (1, 2, 3)\n" + bad + "\nLandmark [0,2]: (1, 2, 3)\n";
            var e = Assert.Throws<TxtFormatException>(() => TxtRecording.Parse(text, "take.txt"));
            Assert.AreEqual(3, e.LineNumber);
            Assert.AreEqual(bad, e.Line);
            Assert.AreEqual("take.txt:3: " + problem + ": '" + bad + "'", e.Message);
        }

        [Test]
        public void FramesMustNotGoBack()
        {
            var e = Assert.Throws<TxtFormatException>(() =>
                TxtRecording.Parse("Landmark [5,0]: (1, 2, 3)\nLandmark [4,0]: (1, 2, 3)\n", "a.txt"));
            Assert.AreEqual(2, e.LineNumber);
            StringAssert.Contains("frame 4 after frame 5", e.Message);
        }

        [Test]
        public void TruncatedLastLineIsSkippedWithAWarning()
        {
            string text = SeedFrame(0, i => "0.5, 0.5, 0.5") + "Landmark [1,0]: (0.12, 0.3";
            TxtRecording rec = TxtRecording.Parse(text, "killed.txt");
            Assert.AreEqual(1, rec.Frames.Count);
            Assert.AreEqual(1, rec.Warnings.Count);
            StringAssert.StartsWith("killed.txt:34: ignored a truncated last line", rec.Warnings[0]);
        }

        [Test]
        public void BlankLinesAreSkippedAndLineNumbersStillCount()
        {
            var e = Assert.Throws<TxtFormatException>(() => TxtRecording.Parse("\n\nLandmark [0,0]: (1, 2, 3)\n\nbad\nLandmark [0,1]: (1, 2, 3)\n", "b.txt"));
            Assert.AreEqual(5, e.LineNumber);
        }

        [TestCase("de-DE")]
        [TestCase("fr-FR")]
        [TestCase("tr-TR")]
        public void NumbersAreReadTheSameInAnyCulture(string culture)
        {
            CultureInfo saved = Thread.CurrentThread.CurrentCulture;
            try
            {
                Thread.CurrentThread.CurrentCulture = new CultureInfo(culture);
                Assert.AreEqual("0,5", 0.5.ToString(CultureInfo.CurrentCulture), "the culture really uses a decimal comma");
                TxtRecording rec = TxtRecording.Parse("Landmark [0,0]: (0.5, -1.25, 3e-2)\n", "de.txt");
                Assert.AreEqual(new Vec3(0.5, -1.25, 0.03), rec.Frames[0].Points[0].Value);
                Assert.AreEqual(0.5, JsonReader.Read("0.5"));
                Assert.AreEqual("2.5", JsonWriter.Number(2.5));
                Assert.AreEqual("{\"type\":\"control\",\"op\":\"speed\",\"speed\":0.5}",
                    ProtocolCodec.EncodeJson(ControlMessage.SetSpeed(0.5)));
            }
            finally
            {
                Thread.CurrentThread.CurrentCulture = saved;
            }
        }

        [Test]
        public void PlaybackPicksTheFrameForATime()
        {
            TxtRecording rec = TxtRecording.Parse(SeedFrame(0, i => "0, 0, 0") + SeedFrame(1, i => "1, 1, 1") + SeedFrame(2, i => "2, 2, 2"));
            Assert.AreEqual(0, rec.FrameAt(0.0, 30, true).Frame);
            Assert.AreEqual(1, rec.FrameAt(1.5 / 30, 30, true).Frame);
            Assert.AreEqual(0, rec.FrameAt(3.0 / 30, 30, true).Frame, "loops");
            Assert.AreEqual(2, rec.FrameAt(10.0, 30, false).Frame, "holds the last frame");
            Assert.AreEqual(0, rec.FrameAt(-1.0, 30, false).Frame);
        }

        /// <summary>A file written by the Python writer (pose-bridge extract on a real video; tests/csharp/run.sh makes it).</summary>
        [Test]
        public void ReadsAFileThePythonWriterWrote()
        {
            string path = TestEnv.EnvFile("POSE_BRIDGE_TEST_TXT");
            TxtRecording rec = TxtRecording.Load(path);
            Assert.AreEqual(TxtKind.Seed, rec.Kind);
            Assert.IsEmpty(rec.Warnings);
            Assert.That(rec.Frames.Count, Is.GreaterThanOrEqualTo(100));
            int detected = 0;
            for (int f = 0; f < rec.Frames.Count; f++)
            {
                TxtFrame frame = rec.Frames[f];
                Assert.AreEqual(f, frame.Frame, "frames are numbered 0, 1, 2...");
                for (int i = 0; i < 33; i++)
                    Assert.IsTrue(frame.Points[i].HasValue, "frame " + f + " landmark " + i);
                if (!frame.Detected)
                    continue;
                detected++;
                // world coordinates: meters around the hips
                for (int i = 0; i < 33; i++)
                    Assert.Less(Math.Abs(frame.Points[i].Value.Y), 2.0);
                Vec3 l = frame.Points[23].Value, r = frame.Points[24].Value;
                Assert.Less(Math.Abs((l.Y + r.Y) / 2), 0.1, "the hips are the origin");
            }
            Assert.That(detected, Is.GreaterThan(rec.Frames.Count * 9 / 10), "BlazePose finds the person in the video");
        }
    }
}
