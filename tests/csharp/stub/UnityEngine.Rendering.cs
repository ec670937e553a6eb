// Compile-only stub of UnityEngine (see README.md): rendering components.
namespace UnityEngine
{
    public partial class Shader : Object
    {
        public static Shader Find(string name) { return null; }
    }

    public partial class Material : Object
    {
        public Material(Shader shader) { }
        public Material(Material source) { }
        public Color color { get; set; }
        public Shader shader { get; set; }
        public void SetColor(string propertyName, Color value) { }
        public void SetFloat(string propertyName, float value) { }
    }

    public partial class Renderer : Component
    {
        public bool enabled { get; set; }
        public Material material { get; set; }
        public Material sharedMaterial { get; set; }
    }

    public partial class MeshRenderer : Renderer { }

    public partial class LineRenderer : Renderer
    {
        public int positionCount { get; set; }
        public bool useWorldSpace { get; set; }
        public float startWidth { get; set; }
        public float endWidth { get; set; }
        public float widthMultiplier { get; set; }
        public Color startColor { get; set; }
        public Color endColor { get; set; }
        public void SetPosition(int index, Vector3 position) { }
        public void SetPositions(Vector3[] positions) { }
    }

    public enum LightType { Spot, Directional, Point }

    public partial class Light : Behaviour
    {
        public LightType type { get; set; }
        public float intensity { get; set; }
        public Color color { get; set; }
    }

    public enum CameraClearFlags { Skybox = 1, SolidColor = 2, Depth = 3, Nothing = 4 }

    public partial class Camera : Behaviour
    {
        public static Camera main { get { return null; } }
        public float fieldOfView { get; set; }
        public float nearClipPlane { get; set; }
        public float farClipPlane { get; set; }
        public Color backgroundColor { get; set; }
        public CameraClearFlags clearFlags { get; set; }
    }

    public partial class RenderSettings
    {
        public static Color ambientLight { get; set; }
    }
}
