using System;

namespace PoseBridge
{
    /// <summary>
    /// Hands of a frame (protocol/SPEC.md §4c, <c>pose-bridge serve --hands</c>): which hand belongs to whom, and where
    /// its 21 landmarks sit relative to the body's wrist in Unity axes. Plain C#, no UnityEngine: the maths the
    /// <c>HandsView</c> component uses, tested with NUnit.
    /// </summary>
    public static class Hands
    {
        /// <summary>Body landmark index of the wrist a hand hangs from (15 left, 16 right).</summary>
        public static int BodyWrist(bool left) { return left ? 15 : 16; }

        /// <summary>
        /// The left or right hand of person <paramref name="personId"/> (0: the primary person, the frame's own hands);
        /// null when that hand was not found in this frame, the person is not in it, or the stream has no hands.
        /// </summary>
        public static HandMessage Find(FrameMessage frame, long personId, bool left)
        {
            if (frame == null)
                return null;
            if (personId == 0)
                return left ? frame.LeftHand : frame.RightHand;
            PersonMessage person = People.Find(frame.People, personId);
            if (person == null)
                return null;
            return left ? person.LeftHand : person.RightHand;
        }

        /// <summary>
        /// Each of the hand's 21 landmarks relative to its wrist (landmark 0), mapped to Unity like the body's landmarks
        /// of <paramref name="space"/> (<see cref="Coordinates.ToUnity"/>: axis mapping, image aspect, mirror, scale), into
        /// <paramref name="offsets"/> (at least 21 long). Adding them to where the body's wrist is drawn puts the hand on
        /// the arm. False (and <paramref name="offsets"/> untouched) when the hand has no block for that space (world
        /// or image), a value is not finite, or the space is <see cref="CoordinateSpace.Unity"/> (txt ground truth).
        /// </summary>
        public static bool TryGetOffsets(HandMessage hand, CoordinateSpace space, AxisMapping mapping, double aspect,
            bool mirror, double scale, Vec3[] offsets)
        {
            if (offsets == null)
                throw new ArgumentNullException("offsets");
            if (offsets.Length < Protocol.HandLandmarks)
                throw new ArgumentException("needs room for " + Protocol.HandLandmarks + " offsets", "offsets");
            if (hand == null || space == CoordinateSpace.Unity)
                return false;
            float[] block = space == CoordinateSpace.World ? hand.World : hand.Image;
            if (block == null || block.Length != Protocol.HandBlockLength)
                return false;
            foreach (float v in block)
                if (float.IsNaN(v) || float.IsInfinity(v))
                    return false;
            Vec3 wrist = Coordinates.ToUnity(space, mapping, block[0], block[1], block[2], aspect, mirror, scale);
            for (int i = 0; i < Protocol.HandLandmarks; i++)
            {
                int o = i * Protocol.Fields;
                offsets[i] = Coordinates.ToUnity(space, mapping, block[o], block[o + 1], block[o + 2], aspect, mirror, scale) - wrist;
            }
            return true;
        }
    }
}
