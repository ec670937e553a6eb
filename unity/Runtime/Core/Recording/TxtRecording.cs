using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace PoseBridge
{
    /// <summary>A malformed line in a txt recording: names the file, the 1-based line number and the line.</summary>
    public sealed class TxtFormatException : Exception
    {
        public readonly string FileName;
        public readonly int LineNumber;
        public readonly string Line;

        public TxtFormatException(string fileName, int lineNumber, string line, string problem)
            : base(string.Format(CultureInfo.InvariantCulture, "{0}:{1}: {2}: {3}", fileName, lineNumber, problem, Quote(line)))
        {
            FileName = fileName;
            LineNumber = lineNumber;
            Line = line;
        }

        static string Quote(string line)
        {
            if (line.Length > 120)
                line = line.Substring(0, 117) + "...";
            return "'" + line + "'";
        }
    }

    /// <summary>Which txt variant a file is.</summary>
    public enum TxtKind
    {
        /// <summary><c>Landmark [FRAME,INDEX]: (x, y, z)</c>: MediaPipe landmarks 0–32 (the thesis notebook's format).</summary>
        Seed,
        /// <summary><c>Landmark [FRAME, rig:Bone]: (x, y, z)</c>: rig joints written from Unity (ground truth).</summary>
        GroundTruth,
    }

    /// <summary>One parsed line of a txt recording.</summary>
    public struct TxtLine
    {
        public int LineNumber;
        /// <summary>The line as written.</summary>
        public string Text;
        public int Frame;
        /// <summary>Landmark index (seed), or -1 for a named joint.</summary>
        public int Index;
        /// <summary>The joint name as written (ground truth, e.g. <c>mixamorig2:LeftArm</c>), or null.</summary>
        public string Name;
        public Vec3 Point;
    }

    /// <summary>One frame of a txt recording.</summary>
    public sealed class TxtFrame
    {
        /// <summary>The frame number written in the file (0-based).</summary>
        public int Frame;
        /// <summary>Points by joint slot (seed: landmark index; ground truth: <see cref="TxtRecording.JointNames"/> order); null where missing.</summary>
        public Vec3?[] Points;
        /// <summary>False when every point is (-1, -1, -1): the notebook's "nobody detected" frame.</summary>
        public bool Detected;
    }

    /// <summary>
    /// Reads the thesis' txt recordings: the seed format <c>Landmark [FRAME,INDEX]: (x, y, z)</c> (one
    /// line per landmark per frame, 33 per frame, Python float repr, <c>(-1, -1, -1)</c> for a frame
    /// without a detection) and the ground-truth variant <c>Landmark [FRAME, mixamorig2:Bone]: (x, y, z)</c>.
    /// </summary>
    /// <remarks>
    /// Numbers are read with <see cref="CultureInfo.InvariantCulture"/> whatever the PC's language (a
    /// German PC reads "0.5" as 5 otherwise). Blank lines are skipped. A malformed line throws
    /// <see cref="TxtFormatException"/> with file, line number and line — except a malformed last line,
    /// which is what a recording cut off by a crash looks like: it is skipped and reported in
    /// <see cref="TxtRecording.Warnings"/>. Frame numbers must not decrease; a landmark may not appear
    /// twice in a frame; a file may not mix the two variants.
    /// </remarks>
    public sealed class TxtRecording
    {
        public string FileName { get; private set; }
        public TxtKind Kind { get; private set; }
        public readonly List<TxtFrame> Frames = new List<TxtFrame>();
        /// <summary>Seed files: the 33 landmark indices as strings; ground truth: the joint names in order of first appearance.</summary>
        public readonly List<string> JointNames = new List<string>();
        public readonly List<string> Warnings = new List<string>();

        public const int SeedLandmarks = 33;

        public static TxtRecording Load(string path)
        {
            using (var reader = new StreamReader(path, Encoding.UTF8))
                return Read(reader, path);
        }

        public static TxtRecording Parse(string text, string fileName = "<text>")
        {
            using (var reader = new StringReader(text))
                return Read(reader, fileName);
        }

        public static TxtRecording Read(TextReader reader, string fileName)
        {
            var rec = new TxtRecording { FileName = fileName };
            var slots = new Dictionary<string, int>(StringComparer.Ordinal);
            TxtFrame current = null;
            bool? seed = null;
            foreach (TxtLine line in ReadLines(reader, fileName, rec.Warnings))
            {
                bool isSeed = line.Name == null;
                if (seed.HasValue && seed.Value != isSeed)
                    throw new TxtFormatException(fileName, line.LineNumber, line.Text,
                        "mixes landmark indices and joint names in one file");
                if (!seed.HasValue)
                {
                    seed = isSeed;
                    rec.Kind = isSeed ? TxtKind.Seed : TxtKind.GroundTruth;
                    if (isSeed)
                        for (int i = 0; i < SeedLandmarks; i++)
                            rec.JointNames.Add(i.ToString(CultureInfo.InvariantCulture));
                }
                if (current == null || line.Frame != current.Frame)
                {
                    if (current != null && line.Frame < current.Frame)
                        throw new TxtFormatException(fileName, line.LineNumber, line.Text,
                            "frame " + line.Frame + " after frame " + current.Frame + " (frames must not go back)");
                    current = new TxtFrame { Frame = line.Frame, Points = new Vec3?[isSeed ? SeedLandmarks : 8] };
                    rec.Frames.Add(current);
                }
                int slot;
                if (isSeed)
                    slot = line.Index;
                else if (!slots.TryGetValue(line.Name, out slot))
                {
                    slot = rec.JointNames.Count;
                    slots.Add(line.Name, slot);
                    rec.JointNames.Add(line.Name);
                }
                if (slot >= current.Points.Length)
                    Array.Resize(ref current.Points, Math.Max(slot + 1, current.Points.Length * 2));
                if (current.Points[slot].HasValue)
                    throw new TxtFormatException(fileName, line.LineNumber, line.Text,
                        "joint " + (isSeed ? line.Index.ToString(CultureInfo.InvariantCulture) : line.Name) +
                        " appears twice in frame " + line.Frame);
                current.Points[slot] = line.Point;
            }
            foreach (TxtFrame frame in rec.Frames)
            {
                if (frame.Points.Length < rec.JointNames.Count)
                    Array.Resize(ref frame.Points, rec.JointNames.Count);
                frame.Detected = false;
                foreach (Vec3? p in frame.Points)
                    if (p.HasValue && !(p.Value.X == -1 && p.Value.Y == -1 && p.Value.Z == -1))
                        frame.Detected = true;
            }
            return rec;
        }

        /// <summary>
        /// The lines of a txt recording, one at a time (constant memory). A malformed line throws; a
        /// malformed <em>last</em> line is skipped with a message added to <paramref name="warnings"/>
        /// (when null, it throws too).
        /// </summary>
        public static IEnumerable<TxtLine> ReadLines(TextReader reader, string fileName, List<string> warnings = null)
        {
            int number = 0;
            string text = reader.ReadLine();
            while (text != null)
            {
                number++;
                string next = reader.ReadLine();
                if (text.Trim().Length == 0)
                {
                    text = next;
                    continue;
                }
                TxtLine line;
                string problem = TryParseLine(text, out line);
                if (problem != null)
                {
                    if (next == null && warnings != null)
                    {
                        warnings.Add(string.Format(CultureInfo.InvariantCulture,
                            "{0}:{1}: ignored a truncated last line ({2}): '{3}'", fileName, number, problem, text));
                        yield break;
                    }
                    throw new TxtFormatException(fileName, number, text, problem);
                }
                line.LineNumber = number;
                line.Text = text;
                yield return line;
                text = next;
            }
        }

        const string Expected = "expected 'Landmark [FRAME,INDEX]: (x, y, z)'";

        /// <summary>Parse one line; returns null on success, else what is wrong.</summary>
        public static string TryParseLine(string text, out TxtLine line)
        {
            line = new TxtLine { Index = -1 };
            string s = text.Trim();
            if (!s.StartsWith("Landmark", StringComparison.Ordinal))
                return Expected;
            int open = s.IndexOf('[');
            int comma = open < 0 ? -1 : s.IndexOf(',', open);
            int close = comma < 0 ? -1 : s.IndexOf(']', comma);
            if (open < 0 || comma < 0 || close < 0 || s.Substring(8, open - 8).Trim().Length != 0)
                return Expected;
            string frameText = s.Substring(open + 1, comma - open - 1).Trim();
            string joint = s.Substring(comma + 1, close - comma - 1).Trim();
            int frame;
            if (!int.TryParse(frameText, NumberStyles.None, CultureInfo.InvariantCulture, out frame))
                return "frame number '" + frameText + "' is not a non-negative integer";
            if (joint.Length == 0)
                return "missing landmark index or joint name";
            string rest = s.Substring(close + 1).TrimStart();
            if (!rest.StartsWith(":", StringComparison.Ordinal))
                return Expected;
            rest = rest.Substring(1).Trim();
            if (!rest.StartsWith("(", StringComparison.Ordinal) || !rest.EndsWith(")", StringComparison.Ordinal))
                return "expected '(x, y, z)' after the colon";
            string[] parts = rest.Substring(1, rest.Length - 2).Split(',');
            if (parts.Length != 3)
                return "expected 3 coordinates, got " + parts.Length;
            var xyz = new double[3];
            for (int i = 0; i < 3; i++)
            {
                string p = parts[i].Trim();
                if (!Numbers.TryParse(p, out xyz[i]) || double.IsInfinity(xyz[i]))
                    return "coordinate '" + p + "' is not a finite number";
            }
            int index;
            if (joint[0] >= '0' && joint[0] <= '9')
            {
                if (!int.TryParse(joint, NumberStyles.None, CultureInfo.InvariantCulture, out index) || index >= SeedLandmarks)
                    return "landmark index '" + joint + "' is not in 0.." + (SeedLandmarks - 1);
                line.Index = index;
            }
            else
                line.Name = joint;
            line.Frame = frame;
            line.Point = new Vec3(xyz[0], xyz[1], xyz[2]);
            return null;
        }

        /// <summary>
        /// The frame to show <paramref name="seconds"/> into playback at <paramref name="fps"/>:
        /// wraps around when <paramref name="loop"/>, else holds the last frame. Null when empty.
        /// </summary>
        public TxtFrame FrameAt(double seconds, double fps, bool loop)
        {
            if (Frames.Count == 0)
                return null;
            if (!(fps > 0))
                throw new ArgumentOutOfRangeException("fps", "must be > 0");
            long i = (long)Math.Floor(Math.Max(0, seconds) * fps);
            if (loop)
                i %= Frames.Count;
            else if (i >= Frames.Count)
                i = Frames.Count - 1;
            return Frames[(int)i];
        }

        /// <summary>
        /// A seed frame as a 33×5 landmark block (visibility and presence 1 where a point exists, 0
        /// where it is missing), or null for a frame without a detection. Ground-truth frames: null.
        /// </summary>
        public float[] ToBlock(TxtFrame frame)
        {
            if (Kind != TxtKind.Seed || frame == null || !frame.Detected)
                return null;
            var block = new float[Protocol.BlockLength];
            for (int i = 0; i < SeedLandmarks; i++)
            {
                Vec3? p = frame.Points[i];
                int o = i * Protocol.Fields;
                if (!p.HasValue)
                    continue;
                block[o] = (float)p.Value.X;
                block[o + 1] = (float)p.Value.Y;
                block[o + 2] = (float)p.Value.Z;
                block[o + 3] = 1;
                block[o + 4] = 1;
            }
            return block;
        }
    }
}
