using System;
using System.Collections.Generic;
using System.Numerics;

namespace PoseBridge
{
    /// <summary>
    /// A grounded stream on any rig (<c>pose-bridge serve --avatar --grounded</c>, protocol/SPEC.md §4d): where the
    /// hips go above the scene's floor, and how far to move them so that the rig's planted feet stand on it.
    /// Plain C#, no UnityEngine: the <c>AvatarDriver</c>'s maths, tested with NUnit.
    /// </summary>
    /// <remarks>
    /// The stream gives the hips in floor space: x and z the travel from where the person was first placed, y
    /// the height above the floor, for the standard skeleton (hips 0.89 m above the soles). A rig of another
    /// size scales all three by its size (its rest hip height against 0.89 m), the travel also by the user's
    /// scale; then, while a foot is on the ground, the rig's own feet decide the height: the lowest planted
    /// foot goes back to its rest height above the floor (no sinking, no floating on a rig whose legs are not
    /// the standard skeleton's). In the air (no foot planted) the scaled height stays: a jump is not clamped.
    /// </remarks>
    public static class GroundedPlacement
    {
        /// <summary>
        /// The hips position in the character's root space with the floor at y = 0: the rest position's x and z plus
        /// the stream's travel × <paramref name="sizeRatio"/> × <paramref name="travelScale"/>, and the stream's height
        /// × <paramref name="sizeRatio"/>.
        /// </summary>
        public static Vector3 Hips(Vector3 streamHips, Vector3 restHips, float sizeRatio, float travelScale)
        {
            float s = sizeRatio * travelScale;
            return new Vector3(restHips.X + streamHips.X * s, streamHips.Y * sizeRatio, restHips.Z + streamHips.Z * s);
        }

        /// <summary>
        /// How far to move the hips up (negative: down) so that the lowest planted foot point is at its rest height
        /// above the floor: the negated smallest (posed − rest) height over the points whose <paramref name="planted"/>
        /// is true. 0 when no point is planted (a jump stays in the air) or the lists do not match.
        /// </summary>
        public static float FootLift(IList<float> restHeights, IList<float> posedHeights, IList<bool> planted)
        {
            if (restHeights == null || posedHeights == null || planted == null || restHeights.Count != posedHeights.Count ||
                planted.Count != restHeights.Count)
                return 0f;
            float lowest = float.PositiveInfinity;
            for (int i = 0; i < restHeights.Count; i++)
                if (planted[i])
                    lowest = Math.Min(lowest, posedHeights[i] - restHeights[i]);
            return float.IsPositiveInfinity(lowest) ? 0f : -lowest;
        }

        /// <summary>
        /// The (left, right) contacts of person <paramref name="personId"/> (0: the frame's primary person) as the rig
        /// shows them: swapped when <paramref name="mirror"/> (the person's left foot drives the rig's right). Null
        /// when the frame carries none (not a grounded stream, or the person is not in the frame).
        /// </summary>
        public static bool[] Contacts(FrameMessage frame, long personId, bool mirror)
        {
            if (frame == null)
                return null;
            bool[] c = frame.Contacts;
            if (personId != 0)
            {
                PersonMessage person = People.Find(frame.People, personId);
                c = person != null ? person.Contacts : null;
            }
            if (c == null || c.Length != 2)
                return null;
            return mirror ? new[] { c[1], c[0] } : new[] { c[0], c[1] };
        }
    }
}
