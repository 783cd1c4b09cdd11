namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// The sharing tests' studio, made through the builder: Downtown Studio, a shareable 20-Class Family Pack (up to 3
/// clients), a plain 10-Class Pack, and six clients. Ids by name: <c>studio["Maya Chen"]</c>, <c>studio[FamilyStudio.FamilyPack]</c>.
/// </summary>
public static class FamilyStudio
{
    public const string FamilyPack = "20-Class Family Pack";
    public const string TenPack = "10-Class Pack";
    public static readonly string[] People = ["Maya Chen", "Leo Chen", "Ivy Chen", "Noah Park", "Zoe Park", "Eli Stone"];

    public static async Task<StudioBuilder> BuildAsync(StudioBuilder studio)
    {
        await studio.WithLocationAsync("Downtown Studio");
        await studio.PackageAsync(FamilyPack, 20, validityDays: 180, sharingLimit: 3, price: 320m);
        await studio.PackageAsync(TenPack, 10, validityDays: 90, price: 180m);
        for (var i = 0; i < People.Length; i++)
        {
            var name = People[i].Split(' ');
            await studio.ClientAsync(name[0], name[1], phone: $"555-010-{i:0000}", barcode: $"CP2000{i:00}");
        }
        return studio;
    }
}
