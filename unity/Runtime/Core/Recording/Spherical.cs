using System;
using System.Collections.Generic;

namespace PoseBridge.Recording
{
    /// <summary>
    /// A camera position around the subject in spherical coordinates with Unity's y up — the same
    /// convention as <c>pose-bridge study</c> (bridge/evaluation/geometry.py):
    /// <c>Radius</c> = |p| in meters; <c>Azimuth</c> = degrees around +y, from +z towards +x;
    /// <c>Elevation</c> = degrees above the horizontal x-z plane.
    /// </summary>
    public struct SphericalPosition : IEquatable<SphericalPosition>
    {
        public double Radius, Azimuth, Elevation;

        public SphericalPosition(double radius, double azimuth, double elevation)
        {
            Radius = radius;
            Azimuth = azimuth;
            Elevation = elevation;
        }

        public bool Equals(SphericalPosition other)
        {
            return Radius == other.Radius && Azimuth == other.Azimuth && Elevation == other.Elevation;
        }

        public override bool Equals(object obj) { return obj is SphericalPosition && Equals((SphericalPosition)obj); }
        public override int GetHashCode() { return Radius.GetHashCode() ^ (Azimuth.GetHashCode() << 2) ^ (Elevation.GetHashCode() >> 2); }

        public override string ToString()
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "(r {0:0.###} m, azimuth {1:0.###}°, elevation {2:0.###}°)", Radius, Azimuth, Elevation);
        }
    }

    /// <summary>Spherical coordinates and look-at camera bases in Unity's frame (y up, left-handed). Pure maths.</summary>
    public static class Spherical
    {
        const double Eps = 1e-12;
        const double Deg = Math.PI / 180.0;

        /// <summary>The offset from the subject root of the camera at <paramref name="p"/>.</summary>
        public static Vec3 ToCartesian(SphericalPosition p)
        {
            return ToCartesian(p.Radius, p.Azimuth, p.Elevation);
        }

        /// <summary>(x, y, z) = r (cos e sin a, sin e, cos e cos a) with a, e in degrees.</summary>
        public static Vec3 ToCartesian(double radius, double azimuth, double elevation)
        {
            double a = azimuth * Deg, e = elevation * Deg;
            return new Vec3(radius * Math.Cos(e) * Math.Sin(a), radius * Math.Sin(e), radius * Math.Cos(e) * Math.Cos(a));
        }

        /// <summary>
        /// The spherical coordinates of an offset from the root. Azimuth in (-180, 180], elevation in [-90, 90].
        /// At the origin everything is 0; straight above or below the root the azimuth is 0.
        /// </summary>
        public static SphericalPosition FromCartesian(Vec3 p)
        {
            double r = Math.Sqrt(p.X * p.X + p.Y * p.Y + p.Z * p.Z);
            if (r < Eps)
                return new SphericalPosition(0, 0, 0);
            double horizontal = Math.Sqrt(p.X * p.X + p.Z * p.Z);
            double azimuth = horizontal > Eps * r ? Math.Atan2(p.X, p.Z) / Deg : 0.0;
            if (azimuth <= -180.0)
                azimuth = 180.0;
            double elevation = Math.Atan2(p.Y, horizontal) / Deg;
            return new SphericalPosition(r, azimuth + 0.0, elevation + 0.0);
        }

        /// <summary>
        /// The axes of a camera at <paramref name="position"/> (relative to the root) that looks at the root with
        /// y up, as <c>Transform.LookAt(root, Vector3.up)</c> does: <paramref name="forward"/> towards the root,
        /// <paramref name="right"/> = up × forward (horizontal), <paramref name="up"/> = forward × right.
        /// Straight above (below) the root the image-up vector is −(+)(sin a, 0, cos a) for the camera's azimuth a:
        /// the limit as the elevation approaches ±90°. Pass <c>forward</c>/<c>up</c> to
        /// <c>Quaternion.LookRotation</c>. Throws <see cref="ArgumentException"/> for a camera at the root.
        /// </summary>
        public static void LookAtBasis(Vec3 position, out Vec3 right, out Vec3 up, out Vec3 forward)
        {
            double dist = Length(position);
            if (dist < 1e-9)
                throw new ArgumentException("a camera at the subject root has no viewing direction");
            forward = position * (-1.0 / dist);
            right = Cross(new Vec3(0, 1, 0), forward);
            if (Length(right) < 1e-9)
            {
                SphericalPosition s = FromCartesian(position);
                double a = s.Azimuth * Deg;
                double sign = s.Elevation > 0 ? -1.0 : 1.0;
                right = Cross(new Vec3(sign * Math.Sin(a), 0, sign * Math.Cos(a)), forward);
            }
            right = right * (1.0 / Length(right));
            up = Cross(forward, right);
        }

        public static Vec3 Cross(Vec3 a, Vec3 b)
        {
            return new Vec3(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);
        }

        public static double Length(Vec3 v) { return Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z); }
    }

    /// <summary>
    /// Values from <c>Min</c> to <c>Max</c> (inclusive, within 1e-9) in steps of <c>Step</c>. A step of 0, or
    /// <c>Min == Max</c>, gives the single value <c>Min</c>.
    /// </summary>
    [Serializable]
    public struct GridRange
    {
        public double Min, Max, Step;

        public GridRange(double min, double max, double step)
        {
            Min = min;
            Max = max;
            Step = step;
        }

        /// <summary>The values; throws <see cref="ArgumentException"/> for a negative step, Max &lt; Min, or over 100,000 values.</summary>
        public List<double> Values(string what)
        {
            if (double.IsNaN(Min) || double.IsNaN(Max) || double.IsNaN(Step) || double.IsInfinity(Min) || double.IsInfinity(Max))
                throw new ArgumentException(what + ": min and max must be finite numbers");
            if (Step < 0)
                throw new ArgumentException(what + ": step must be >= 0, got " + Step.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (Max < Min)
                throw new ArgumentException(what + ": max is smaller than min");
            var values = new List<double>();
            if (Step == 0 || Max == Min)
            {
                values.Add(Min);
                return values;
            }
            double count = Math.Floor((Max - Min) / Step + 1e-9);
            if (count > 100000)
                throw new ArgumentException(what + ": more than 100,000 values");
            for (int i = 0; i <= (int)count; i++)
                values.Add(Min + i * Step);
            return values;
        }
    }

    /// <summary>The camera positions of a radius × elevation × azimuth sweep.</summary>
    public static class SphericalGrid
    {
        /// <summary>
        /// Every combination, ordered by radius, then elevation, then azimuth. Positions that coincide are listed
        /// once: at ±90° elevation only the first azimuth is kept, and azimuths 360° apart (e.g. −180 and 180)
        /// count as one. Azimuths are reported normalised to (−180, 180]. Radii must be &gt; 0 and elevations
        /// within [−90, 90] (<see cref="ArgumentException"/> otherwise).
        /// </summary>
        public static List<SphericalPosition> Build(GridRange radius, GridRange azimuth, GridRange elevation)
        {
            List<double> radii = radius.Values("radius");
            List<double> azimuths = azimuth.Values("azimuth");
            List<double> elevations = elevation.Values("elevation");
            foreach (double r in radii)
                if (!(r > 0))
                    throw new ArgumentException("radius must be > 0");
            foreach (double e in elevations)
                if (e < -90 - 1e-9 || e > 90 + 1e-9)
                    throw new ArgumentException("elevation must be within [-90, 90]");
            var result = new List<SphericalPosition>();
            foreach (double r in radii)
            {
                foreach (double e in elevations)
                {
                    var seen = new List<double>();
                    foreach (double a in azimuths)
                    {
                        bool pole = Math.Abs(Math.Abs(e) - 90) < 1e-9;
                        double na = NormalizeAzimuth(a);
                        if (pole && seen.Count > 0)
                            continue;
                        bool duplicate = false;
                        foreach (double s in seen)
                            if (Math.Abs(s - na) < 1e-9)
                                duplicate = true;
                        if (duplicate)
                            continue;
                        seen.Add(na);
                        result.Add(new SphericalPosition(r, pole ? 0.0 : na, e));
                    }
                }
            }
            return result;
        }

        /// <summary>An angle in degrees mapped to (−180, 180].</summary>
        public static double NormalizeAzimuth(double degrees)
        {
            double a = degrees % 360.0;
            if (a <= -180.0)
                a += 360.0;
            else if (a > 180.0)
                a -= 360.0;
            return a + 0.0;
        }
    }
}
