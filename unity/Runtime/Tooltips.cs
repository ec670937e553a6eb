namespace PoseBridge
{
    /// <summary>
    /// Inspector tooltips of the options <see cref="Show_Skeleton"/> shares with the components it is made of, worded
    /// once.
    /// </summary>
    static class Tooltips
    {
        public const string Url = "WebSocket URL of `pose-bridge serve` (ws://, or wss:// for a server with --certfile).";
        public const string Token = "The server's token (`pose-bridge serve --token`), needed when it listens beyond its own machine. " +
            "Empty: none.";
        public const string WireFormat = "Wire encoding: MsgPack (compact, default) or Json (readable in network tools).";
        public const string Coordinates = "World: MediaPipe's metric 3D landmarks (hip origin). Image: normalized image landmarks (flat, image-sized). " +
            "Unity: points already in Unity's world (a ground-truth file).";
        public const string AxisMapping = "Standard: Unity = (x, -y, z). LegacyThesis: the original script's mapping for old files, Unity = (z, -y, x).";
        public const string Origin = "Scene position of the skeleton's origin (the hips in world coordinates, the image centre in image coordinates).";
        public const string Scale = "Scale factor applied to the landmarks (world: 1 = meters).";
        public const string Mirror = "Mirror left and right (like a mirror / selfie view).";
        public const string Joints = "Your own Transforms per landmark (index = MediaPipe landmark: 0 nose, 11/12 shoulders, 15/16 wrists, " +
            "23/24 hips...). Empty slots get generated spheres. Only the primary person uses them.";
        public const string CreateSpheres = "Generate spheres for joints without an assigned Transform.";
        public const string DrawBones = "Draw bones as LineRenderers, from the topology the server sends in hello.";
        public const string JointSize = "Diameter of generated joint spheres (scene units).";
        public const string BoneWidth = "Width of the bone lines (scene units).";
        public const string JointMaterial = "Optional material for the generated spheres (default: the render pipeline's default material).";
        public const string LineMaterial = "Optional material for the bone lines: a shader that uses vertex colours and alpha. Default: Sprites/Default " +
            "(built-in and URP; in the Always Included Shaders of new projects). HDRP: assign one.";
        public const string LowVisibility = "What to do with joints MediaPipe considers not visible (occluded or out of the image).";
        public const string HideBelow = "Below this visibility a joint is hidden (Hide, Fade).";
        public const string FullAbove = "From this visibility on a joint is fully shown (Fade).";
        public const string KeepLastPose = "When nobody is detected, keep showing the last pose (otherwise the skeleton is hidden).";
        public const string ShowEveryone = "Draw everyone the server tracks (pose-bridge serve --max-people N), each in a colour of their own; " +
            "the primary person keeps the side colours (and is the one a Follow Camera follows). A Hands View with Person Id 0 " +
            "draws the hands of everyone drawn.";
        public const string SharedSpace = "World coordinates: place people where they stand relative to each other (from the estimated root " +
            "position the server sends with each person). Off: everyone at the Origin.";
        public const string LabelPeople = "Show each person's id above their head.";
        public const string CameraOffset = "Camera position relative to the hips. The default looks at the person from where the video camera was.";
        public const string Smoothing = "How fast the camera catches up (1/s); 0 = no smoothing.";
        public const string LookAt = "Turn the camera to look at the body.";
        public const string LookAtOffset = "Point looked at, relative to the hips.";
    }
}
