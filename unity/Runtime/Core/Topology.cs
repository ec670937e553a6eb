using System;

namespace PoseBridge
{
    /// <summary>
    /// The landmark topology a skeleton is drawn with: names, bones and sides. The server sends it in
    /// <c>hello</c> (from bridge/skeleton.py, the single source of truth); <see cref="BlazePose"/> is a
    /// copy used only to play txt files without a server, and the tests check it equals the server's.
    /// </summary>
    public sealed class Topology
    {
        public readonly string[] Landmarks;
        public readonly int[][] Bones;
        public readonly string[] Sides;

        public Topology(string[] landmarks, int[][] bones, string[] sides)
        {
            if (landmarks == null) throw new ArgumentNullException("landmarks");
            if (bones == null) throw new ArgumentNullException("bones");
            Landmarks = landmarks;
            Bones = bones;
            Sides = sides != null && sides.Length == landmarks.Length ? sides : SidesFromNames(landmarks);
        }

        public static Topology FromHello(HelloMessage hello)
        {
            return new Topology(hello.Landmarks, hello.Bones, hello.Sides);
        }

        public int Count { get { return Landmarks.Length; } }

        /// <summary>Side of a bone: left/right when both ends agree or one end is centred, else center.</summary>
        public string BoneSide(int bone)
        {
            string a = Sides[Bones[bone][0]], b = Sides[Bones[bone][1]];
            if (a == b) return a;
            if (a == "center") return b;
            if (b == "center") return a;
            return "center";
        }

        static string[] SidesFromNames(string[] names)
        {
            var sides = new string[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                string n = names[i];
                if (n.StartsWith("left_", StringComparison.Ordinal) || n.EndsWith("_left", StringComparison.Ordinal))
                    sides[i] = "left";
                else if (n.StartsWith("right_", StringComparison.Ordinal) || n.EndsWith("_right", StringComparison.Ordinal))
                    sides[i] = "right";
                else
                    sides[i] = "center";
            }
            return sides;
        }

        /// <summary>MediaPipe BlazePose's 33 landmarks, for txt playback without a server.</summary>
        public static readonly Topology BlazePose = new Topology(
            new[]
            {
                "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
                "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
                "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
                "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
                "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
                "left_foot_index", "right_foot_index",
            },
            new[]
            {
                new[] { 0, 1 }, new[] { 1, 2 }, new[] { 2, 3 }, new[] { 3, 7 }, new[] { 0, 4 }, new[] { 4, 5 },
                new[] { 5, 6 }, new[] { 6, 8 }, new[] { 9, 10 }, new[] { 11, 12 }, new[] { 11, 13 },
                new[] { 13, 15 }, new[] { 15, 17 }, new[] { 15, 19 }, new[] { 15, 21 }, new[] { 17, 19 },
                new[] { 12, 14 }, new[] { 14, 16 }, new[] { 16, 18 }, new[] { 16, 20 }, new[] { 16, 22 },
                new[] { 18, 20 }, new[] { 11, 23 }, new[] { 12, 24 }, new[] { 23, 24 }, new[] { 23, 25 },
                new[] { 24, 26 }, new[] { 25, 27 }, new[] { 26, 28 }, new[] { 27, 29 }, new[] { 28, 30 },
                new[] { 29, 31 }, new[] { 30, 32 }, new[] { 27, 31 }, new[] { 28, 32 },
            },
            null);
    }
}
