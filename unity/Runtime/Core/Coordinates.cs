using System;

namespace PoseBridge
{
    /// <summary>A 3D point or vector in double precision (the core has no UnityEngine types).</summary>
    public struct Vec3 : IEquatable<Vec3>
    {
        public double X, Y, Z;

        public Vec3(double x, double y, double z)
        {
            X = x;
            Y = y;
            Z = z;
        }

        public static Vec3 operator +(Vec3 a, Vec3 b) { return new Vec3(a.X + b.X, a.Y + b.Y, a.Z + b.Z); }
        public static Vec3 operator -(Vec3 a, Vec3 b) { return new Vec3(a.X - b.X, a.Y - b.Y, a.Z - b.Z); }
        public static Vec3 operator *(Vec3 a, double s) { return new Vec3(a.X * s, a.Y * s, a.Z * s); }

        public bool Equals(Vec3 other) { return X == other.X && Y == other.Y && Z == other.Z; }
        public override bool Equals(object obj) { return obj is Vec3 && Equals((Vec3)obj); }
        public override int GetHashCode() { return X.GetHashCode() ^ (Y.GetHashCode() << 2) ^ (Z.GetHashCode() >> 2); }

        public override string ToString()
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, "({0}, {1}, {2})", X, Y, Z);
        }
    }

    /// <summary>Which landmark set a point comes from.</summary>
    public enum CoordinateSpace
    {
        /// <summary>MediaPipe world landmarks: meters, origin between the hips, x right, y down, z away from the camera.</summary>
        World,
        /// <summary>MediaPipe image landmarks: x, y normalized to [0, 1] by width and height (y down); z depth at about x's scale.</summary>
        Image,
        /// <summary>Already Unity world coordinates (meters, y up), e.g. a ground-truth file written from Unity: kept as is.</summary>
        Unity,
    }

    /// <summary>How file/wire axes map to Unity's axes.</summary>
    public enum AxisMapping
    {
        /// <summary>The protocol's mapping: Unity (x, y, z) = (x, −y, z).</summary>
        Standard,
        /// <summary>The original thesis script's mapping for its old txt files: Unity (x, y, z) = (z, −y, x).</summary>
        LegacyThesis,
    }

    /// <summary>
    /// Conversion from MediaPipe's coordinates to Unity's left-handed, y-up world (see protocol/SPEC.md,
    /// "Coordinates"). Pure functions, table-tested.
    /// </summary>
    public static class Coordinates
    {
        /// <summary>MediaPipe world (meters, y down) → Unity (meters, y up): (x, −y, z).</summary>
        public static Vec3 WorldToUnity(double x, double y, double z)
        {
            return new Vec3(x, -y, z);
        }

        /// <summary>The thesis' mapping for its old files: Unity x = file z, y = −file y, z = file x.</summary>
        public static Vec3 LegacyToUnity(double x, double y, double z)
        {
            return new Vec3(z, -y, x);
        }

        /// <summary>
        /// MediaPipe image landmarks → Unity, in units of the image height, centred on the image centre:
        /// ((x − 0.5)·aspect, 0.5 − y, z·aspect) where aspect = width / height (x and z are scaled by the
        /// width, y by the height). <paramref name="aspect"/> must be &gt; 0 (use 1 when unknown).
        /// </summary>
        public static Vec3 ImageToUnity(double x, double y, double z, double aspect)
        {
            if (!(aspect > 0))
                throw new ArgumentOutOfRangeException("aspect", "must be > 0");
            return new Vec3((x - 0.5) * aspect, 0.5 - y, z * aspect);
        }

        /// <summary>
        /// The full conversion: choose the space's mapping (or the legacy one; Unity-space points are kept as they are), mirror left/right
        /// (negate Unity x, as a mirror shows it), then scale.
        /// </summary>
        public static Vec3 ToUnity(
            CoordinateSpace space, AxisMapping mapping, double x, double y, double z,
            double aspect = 1.0, bool mirror = false, double scale = 1.0)
        {
            Vec3 v;
            if (space == CoordinateSpace.Unity)
                v = new Vec3(x, y, z);
            else if (mapping == AxisMapping.LegacyThesis)
                v = LegacyToUnity(x, y, z);
            else if (space == CoordinateSpace.Image)
                v = ImageToUnity(x, y, z, aspect);
            else
                v = WorldToUnity(x, y, z);
            if (mirror)
                v.X = -v.X;
            return v * scale;
        }

        /// <summary>Midpoint of the two hips (landmarks 23 and 24) of a block, converted like <see cref="ToUnity"/>.</summary>
        public static Vec3 HipCenter(
            float[] block, CoordinateSpace space, AxisMapping mapping, double aspect = 1.0, bool mirror = false, double scale = 1.0)
        {
            Vec3 a = Landmark(block, 23, space, mapping, aspect, mirror, scale);
            Vec3 b = Landmark(block, 24, space, mapping, aspect, mirror, scale);
            return (a + b) * 0.5;
        }

        /// <summary>Landmark <paramref name="index"/> of a 33×5 block, converted like <see cref="ToUnity"/>.</summary>
        public static Vec3 Landmark(
            float[] block, int index, CoordinateSpace space, AxisMapping mapping, double aspect = 1.0, bool mirror = false, double scale = 1.0)
        {
            int o = index * Protocol.Fields;
            return ToUnity(space, mapping, block[o], block[o + 1], block[o + 2], aspect, mirror, scale);
        }

        /// <summary>
        /// Alpha for a joint of the given visibility: 1 at or above <paramref name="full"/>, 0 below
        /// <paramref name="hide"/>, linear in between. <paramref name="hide"/> ≥ <paramref name="full"/>
        /// gives a hard cut at <paramref name="hide"/>.
        /// </summary>
        public static double VisibilityAlpha(double visibility, double hide, double full)
        {
            if (double.IsNaN(visibility) || visibility < hide)
                return 0;
            if (visibility >= full || full <= hide)
                return 1;
            return (visibility - hide) / (full - hide);
        }
    }
}
