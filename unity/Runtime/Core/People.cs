using System;
using System.Collections.Generic;

namespace PoseBridge
{
    /// <summary>
    /// Several people in one scene (<c>pose-bridge serve --max-people N</c>): where each stands relative to the
    /// primary person, and a colour per id. Plain C#, no UnityEngine: the maths the components use, tested with NUnit.
    /// </summary>
    public static class People
    {
        /// <summary>The person with <paramref name="id"/>, or null (also when <paramref name="people"/> is null).</summary>
        public static PersonMessage Find(List<PersonMessage> people, long id)
        {
            if (people == null)
                return null;
            foreach (PersonMessage p in people)
                if (p.Id == id)
                    return p;
            return null;
        }

        /// <summary>
        /// Where <paramref name="person"/>'s hips are relative to <paramref name="primary"/>'s, in the scene's axes
        /// (the roots' difference mapped like world landmarks: Unity = (x, −y, z) by default, mirrored and scaled as the
        /// landmarks are). Zero when either root is unknown: the person is then drawn at the primary person's place.
        /// </summary>
        public static Vec3 RootOffset(PersonMessage person, PersonMessage primary, AxisMapping mapping, bool mirror = false,
            double scale = 1.0)
        {
            if (person == null || primary == null || person.Root == null || primary.Root == null)
                return new Vec3(0, 0, 0);
            return Coordinates.ToUnity(CoordinateSpace.World, mapping, person.Root[0] - primary.Root[0],
                person.Root[1] - primary.Root[1], person.Root[2] - primary.Root[2], 1.0, mirror, scale);
        }

        /// <summary>
        /// A colour for person <paramref name="id"/> (r, g, b in [0, 1]): hues a golden angle apart, so the first
        /// few ids are far apart on the colour wheel and a new id never takes the colour of the one before it.
        /// </summary>
        public static void ColorForId(long id, out float r, out float g, out float b)
        {
            const double golden = 0.618033988749895;
            double hue = (0.08 + id * golden) % 1.0;
            if (hue < 0)
                hue += 1.0;
            HsvToRgb(hue, 0.75, 0.95, out r, out g, out b);
        }

        static void HsvToRgb(double h, double s, double v, out float r, out float g, out float b)
        {
            double i = Math.Floor(h * 6.0);
            double f = h * 6.0 - i;
            double p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
            double rr, gg, bb;
            switch (((int)i) % 6)
            {
                case 0: rr = v; gg = t; bb = p; break;
                case 1: rr = q; gg = v; bb = p; break;
                case 2: rr = p; gg = v; bb = t; break;
                case 3: rr = p; gg = q; bb = v; break;
                case 4: rr = t; gg = p; bb = v; break;
                default: rr = v; gg = p; bb = q; break;
            }
            r = (float)rr;
            g = (float)gg;
            b = (float)bb;
        }
    }
}
