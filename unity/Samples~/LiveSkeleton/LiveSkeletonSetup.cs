using UnityEngine;

namespace PoseBridge.Samples
{
    /// <summary>
    /// Sets up a scene for the live skeleton: put this on any GameObject of an empty scene and press Play.
    /// It adds a ground plane and a light if the scene has none, and puts <see cref="Show_Skeleton"/> on the
    /// Main Camera (creating the camera if needed) with its defaults: connected to <c>pose-bridge serve</c> at
    /// <c>ws://127.0.0.1:8765/</c>. To play a txt recording instead, set that Show_Skeleton's Source to TxtFile.
    /// </summary>
    [AddComponentMenu("Pose Bridge/Samples/Live Skeleton Setup")]
    public sealed class LiveSkeletonSetup : MonoBehaviour
    {
        [Tooltip("Add a 10 m ground plane at y = 0.")]
        [SerializeField] bool _ground = true;

        [Tooltip("Add a directional light when the scene has none.")]
        [SerializeField] bool _light = true;

        void Awake()
        {
            Camera camera = Camera.main;
            if (camera == null)
            {
                var go = new GameObject("Main Camera");
                go.tag = "MainCamera";
                camera = go.AddComponent<Camera>();
            }
            camera.transform.position = new Vector3(0f, 1.2f, -3f);
            camera.clearFlags = CameraClearFlags.SolidColor;
            camera.backgroundColor = new Color(0.12f, 0.13f, 0.15f);
            if (camera.GetComponent<Show_Skeleton>() == null)
                camera.gameObject.AddComponent<Show_Skeleton>(); // defaults: ws://127.0.0.1:8765/, world coordinates, follow camera

            if (_ground && GameObject.Find("Ground") == null)
            {
                GameObject plane = Primitives.Create(PrimitiveType.Plane, "Ground", keepCollider: true);
                plane.transform.position = Vector3.zero; // the skeleton's hips are at y = 1 (Show_Skeleton's origin)
                plane.GetComponent<Renderer>().material.color = new Color(0.35f, 0.36f, 0.38f);
            }
#if UNITY_2023_1_OR_NEWER
            Light existing = FindAnyObjectByType<Light>();
#else
            Light existing = FindObjectOfType<Light>();
#endif
            if (_light && existing == null)
            {
                var sun = new GameObject("Directional Light");
                Light light = sun.AddComponent<Light>();
                light.type = LightType.Directional;
                sun.transform.rotation = Quaternion.Euler(50f, -30f, 0f);
            }
        }
    }
}
