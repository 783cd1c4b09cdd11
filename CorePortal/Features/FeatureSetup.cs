namespace CorePortal.Features;

/// <summary>Registers each feature's services.</summary>
public static class FeatureSetup
{
    public static void AddPortalFeatures(this IServiceCollection services)
    {
    }
}
