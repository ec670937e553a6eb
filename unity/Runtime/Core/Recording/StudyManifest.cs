using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace PoseBridge.Recording
{
    /// <summary>One row of the study manifest read by <c>pose-bridge study</c>.</summary>
    public struct ManifestRow
    {
        /// <summary>Camera position relative to the subject root (Unity meters, y up).</summary>
        public Vec3 Camera;

        /// <summary>Video or image sequence (<c>frames/%05d.png</c>), relative to the manifest's folder.</summary>
        public string Video;

        /// <summary>Ground-truth txt, relative to the manifest's folder.</summary>
        public string Truth;

        /// <summary>Single-video mode: the frame of <see cref="Video"/> taken from this camera; -1 for none.</summary>
        public int Frame;

        public string Name;
    }

    /// <summary>
    /// Writes the study manifest CSV: <c>camera_x,camera_y,camera_z,video,truth,frame,name</c>, numbers in the
    /// invariant culture, paths with forward slashes, fields quoted when they need it (RFC 4180), <c>\n</c>
    /// line ends. Each row is flushed as it is written, so an interrupted sweep leaves a usable manifest.
    /// </summary>
    public sealed class ManifestWriter : IDisposable
    {
        public const string Header = "camera_x,camera_y,camera_z,video,truth,frame,name";

        readonly TextWriter _writer;

        public int RowsWritten { get; private set; }

        public ManifestWriter(string path)
            : this(new StreamWriter(path, false, new UTF8Encoding(false)))
        {
        }

        public ManifestWriter(TextWriter writer)
        {
            _writer = writer;
            _writer.NewLine = "\n";
            _writer.Write(Header + "\n");
            _writer.Flush();
        }

        public void Write(ManifestRow row)
        {
            _writer.Write(FormatRow(row) + "\n");
            _writer.Flush();
            RowsWritten++;
        }

        /// <summary>The CSV text of one row (no line break).</summary>
        public static string FormatRow(ManifestRow row)
        {
            if (string.IsNullOrEmpty(row.Video) || string.IsNullOrEmpty(row.Truth))
                throw new ArgumentException("a manifest row needs a video and a truth file");
            var cells = new[]
            {
                Num(row.Camera.X), Num(row.Camera.Y), Num(row.Camera.Z),
                Quote(RelativePath(row.Video)), Quote(RelativePath(row.Truth)),
                row.Frame >= 0 ? row.Frame.ToString(CultureInfo.InvariantCulture) : "",
                Quote(row.Name ?? ""),
            };
            return string.Join(",", cells);
        }

        static string Num(double v)
        {
            if (double.IsNaN(v) || double.IsInfinity(v))
                throw new ArgumentException("camera coordinates must be finite");
            return v.ToString("R", CultureInfo.InvariantCulture);
        }

        /// <summary>Forward slashes (Windows paths would otherwise not resolve on other systems).</summary>
        public static string RelativePath(string path)
        {
            return path.Replace('\\', '/');
        }

        /// <summary>A CSV field, quoted (with doubled quotes) when it holds a comma, a quote or a line break.</summary>
        public static string Quote(string field)
        {
            if (field.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0)
                return field;
            return "\"" + field.Replace("\"", "\"\"") + "\"";
        }

        public void Dispose()
        {
            _writer.Dispose();
        }
    }

    /// <summary>How <c>CameraSweep</c> records.</summary>
    public enum SweepMode
    {
        /// <summary>For each camera position, a clip of N frames: its own image sequence and ground-truth file.</summary>
        ClipPerPosition,

        /// <summary>The thesis' mode: one image sequence, frame i taken from position i; one ground-truth file.</summary>
        OneFramePerPosition,
    }

    /// <summary>One capture step of a sweep: where the camera goes and where its frames and truth go.</summary>
    public struct SweepStep
    {
        public int Index;
        public SphericalPosition Position;

        /// <summary>Camera offset from the subject root (Unity meters).</summary>
        public Vec3 Offset;

        public string Name;

        /// <summary>Image sequence pattern relative to the output folder (<c>%05d</c> = frame number from 0).</summary>
        public string ImagePattern;

        /// <summary>Ground-truth file relative to the output folder.</summary>
        public string TruthFile;

        /// <summary>Frames to capture at this position.</summary>
        public int Frames;

        /// <summary>First frame number of this step in its image sequence and ground-truth file.</summary>
        public int FirstFrame;

        /// <summary>The manifest row for this step (single-video mode: with its frame number).</summary>
        public ManifestRow ManifestRow(SweepMode mode)
        {
            return new ManifestRow
            {
                Camera = Offset,
                Video = ImagePattern,
                Truth = TruthFile,
                Frame = mode == SweepMode.OneFramePerPosition ? FirstFrame : -1,
                Name = Name,
            };
        }

        /// <summary>The image file of frame <paramref name="frame"/> (as <c>%05d</c> formats it), relative to the output folder.</summary>
        public string ImageFile(int frame)
        {
            return ImagePattern.Replace("%05d", frame.ToString("00000", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The steps of a sweep, computed from the grid before anything is rendered.</summary>
    public static class SweepPlan
    {
        /// <summary>
        /// Clip mode: step i records <paramref name="framesPerPosition"/> frames into <c>NAME/%05d.png</c> and
        /// <c>NAME/truth.txt</c>, NAME = <c>pos0003_r2.5_a-45_e30</c>. One-frame mode: step i is frame i of
        /// <c>frames/%05d.png</c> and <c>truth.txt</c> (<paramref name="framesPerPosition"/> is ignored).
        /// </summary>
        public static List<SweepStep> Build(IList<SphericalPosition> positions, SweepMode mode, int framesPerPosition)
        {
            if (mode == SweepMode.ClipPerPosition && framesPerPosition < 1)
                throw new ArgumentException("frames per position must be >= 1");
            var steps = new List<SweepStep>(positions.Count);
            for (int i = 0; i < positions.Count; i++)
            {
                SphericalPosition p = positions[i];
                string name = string.Format(CultureInfo.InvariantCulture, "pos{0:0000}_r{1:0.###}_a{2:0.###}_e{3:0.###}",
                    i, p.Radius, p.Azimuth, p.Elevation);
                bool clip = mode == SweepMode.ClipPerPosition;
                steps.Add(new SweepStep
                {
                    Index = i,
                    Position = p,
                    Offset = Spherical.ToCartesian(p),
                    Name = name,
                    ImagePattern = clip ? name + "/%05d.png" : "frames/%05d.png",
                    TruthFile = clip ? name + "/truth.txt" : "truth.txt",
                    Frames = clip ? framesPerPosition : 1,
                    FirstFrame = clip ? 0 : i,
                });
            }
            return steps;
        }
    }
}
