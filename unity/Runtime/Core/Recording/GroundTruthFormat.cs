using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace PoseBridge.Recording
{
    /// <summary>
    /// The ground-truth txt format read by <c>pose-bridge evaluate</c> (bridge.formats.read_ground_truth):
    /// one line per bone per frame, <c>Landmark [FRAME, rig:Bone]: (x, y, z)</c>, Unity world coordinates
    /// (meters, y up), numbers in the invariant culture (a German PC would otherwise write "0,5") as text that
    /// reads back to the same float (see <see cref="Number"/>).
    /// </summary>
    public static class GroundTruthFormat
    {
        /// <summary>The prefix written before Unity <c>HumanBodyBones</c> names.</summary>
        public const string HumanoidRig = "humanoid";

        /// <summary>
        /// <c>rig:bone</c>; a bone name that already has a prefix (a Mixamo transform named
        /// <c>mixamorig2:LeftArm</c>) is kept as it is. Throws <see cref="ArgumentException"/> for a name the
        /// format cannot carry (empty, or containing <c>[ ] ( ) ,</c> or a line break).
        /// </summary>
        public static string BoneKey(string rig, string bone)
        {
            if (string.IsNullOrEmpty(bone) || string.IsNullOrEmpty(bone.Trim()))
                throw new ArgumentException("empty bone name");
            string key = bone.IndexOf(':') >= 0 ? bone : (string.IsNullOrEmpty(rig) ? "rig" : rig) + ":" + bone;
            if (key.IndexOfAny(new[] { '[', ']', '(', ')', ',', '\n', '\r' }) >= 0)
                throw new ArgumentException("bone name " + key + " contains a character the ground-truth format cannot carry ([ ] ( ) , or a line break)");
            return key;
        }

        /// <summary>One line, without its line break: <c>Landmark [12, mixamorig2:LeftArm]: (0.1, 1.4, 0.02)</c>.</summary>
        public static string Line(int frame, string key, float x, float y, float z)
        {
            if (frame < 0)
                throw new ArgumentOutOfRangeException("frame", "frame numbers are >= 0");
            var sb = new StringBuilder(64);
            sb.Append("Landmark [").Append(frame.ToString(CultureInfo.InvariantCulture)).Append(", ").Append(key).Append("]: (");
            sb.Append(Number(x)).Append(", ").Append(Number(y)).Append(", ").Append(Number(z)).Append(')');
            return sb.ToString();
        }

        /// <summary>
        /// Invariant-culture text that reads back to the same float: the <c>"R"</c> format. On Mono and the .NET
        /// Framework (Unity's runtimes) <c>"R"</c> is 7 significant digits when they read back, else 9, so it is
        /// often not the shortest such text (<c>0.333333343</c> where 8 digits, <c>0.33333334</c>, would do; an
        /// exponent is written <c>1E-05</c>); only .NET Core 3.0 and later give the shortest. Python and
        /// <see cref="TxtRecording"/> read both. Throws <see cref="ArgumentException"/> for NaN and infinities.
        /// </summary>
        public static string Number(float value)
        {
            if (float.IsNaN(value) || float.IsInfinity(value))
                throw new ArgumentException("positions must be finite numbers");
            return value.ToString("R", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Writes a ground-truth txt file frame by frame. Each frame is written with one call and flushed, so
    /// after a crash at most the frame being written is lost (the Python reader skips a cut-off last line).
    /// Lines end with <c>\n</c>; UTF-8 without a byte order mark. Frames must be written in increasing order.
    /// </summary>
    public sealed class GroundTruthWriter : IDisposable
    {
        readonly TextWriter _writer;
        readonly StringBuilder _frame = new StringBuilder(4096);
        int _lastFrame = -1;

        /// <summary>Frames written so far.</summary>
        public int FramesWritten { get; private set; }

        public string Path { get; private set; }

        public GroundTruthWriter(string path)
        {
            Path = path;
            string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(dir))
                Directory.CreateDirectory(dir);
            _writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        }

        /// <summary>Writes to any TextWriter (tests use a StringWriter); <see cref="Dispose"/> disposes it.</summary>
        public GroundTruthWriter(TextWriter writer)
        {
            _writer = writer;
            Path = null;
        }

        /// <summary>
        /// Writes one frame: <paramref name="keys"/>[i] at (<paramref name="positions"/>[3i], [3i+1], [3i+2]).
        /// Throws <see cref="ArgumentException"/> when the frame number does not increase or the arrays disagree.
        /// </summary>
        public void WriteFrame(int frame, string[] keys, float[] positions)
        {
            if (keys == null || positions == null || positions.Length != 3 * keys.Length)
                throw new ArgumentException("positions must hold 3 numbers per key");
            if (frame <= _lastFrame)
                throw new ArgumentException("frame " + frame + " written after frame " + _lastFrame + " (frames must increase)");
            _frame.Length = 0;
            for (int i = 0; i < keys.Length; i++)
                _frame.Append(GroundTruthFormat.Line(frame, keys[i], positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])).Append('\n');
            _writer.Write(_frame.ToString());
            _writer.Flush();
            _lastFrame = frame;
            FramesWritten++;
        }

        public void Dispose()
        {
            _writer.Dispose();
        }
    }
}
