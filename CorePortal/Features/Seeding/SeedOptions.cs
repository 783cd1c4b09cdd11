namespace CorePortal.Features.Seeding;

public sealed class SeedOptions
{
    public const string Section = "Seed";
    /// <summary>Load seed-data/ (demo users, clients, purchases) into an empty database.</summary>
    public bool Demo { get; set; }
    /// <summary>How many generated clients to add after the fixtures.</summary>
    public int Clients { get; set; } = 500;
    /// <summary>The Bogus seed: the same number gives the same data.</summary>
    public int RandomSeed { get; set; } = 20261123;
    public string? DataFolder { get; set; }
}
