using System.Text.Json;
using System.Text.Json.Serialization;
using CorePortal.Data;

namespace CorePortal.Features.Seeding;

// The shapes of the hand-written JSON in seed-data/.
public sealed record LocationFixture(string Key, string Name);
public sealed record CatalogFixture(string Key, CatalogKind Kind, string Name, decimal Price, string Location, int? CreditsPerPeriod,
    int ValidityDays, PeriodUnit PeriodUnit, int PeriodCount, bool AllowSharing, int? SharingLimit,
    RenewalKind Renewal = RenewalKind.FixedTerm, bool AllowFreeze = false, int? FreezeMinDays = null, int? FreezeMaxDays = null,
    int? FreezeMaxDaysPerYear = null, FreezeMode DefaultFreezeMode = FreezeMode.Extend, RolloverRule Rollover = RolloverRule.None,
    int? RolloverCap = null, int RolloverExpiresAfterPeriods = 1);
public sealed record StaffFixture(string Email, string Name, string Role);
/// <summary>Members: barcodes of demo clients that get an app login with their own email and the demo password.</summary>
public sealed record StaffFile(string DemoPassword, List<StaffFixture> Users, List<string>? Members);
public sealed record SessionFixture(string Key, string Name, string Location, string Trainer, TimeOnly Time, int Duration, int Capacity, List<int> DayOffsets);
public sealed record ShareFixture(string Barcode, ShareStatus Status);
public sealed record VisitFixture(string Session, string UsedBy, BookingStatus Status);
/// <summary>A freeze through the freeze service: from and to as days from today (to null: until unfrozen).</summary>
public sealed record FreezeFixture(int From, int? To, FreezeMode Mode = FreezeMode.Extend, string? Note = null);
/// <summary>
/// A purchase as sold (an open-ended membership renewed up to today), then frozen or cancelled through the services, as staff
/// would: Cancel is the reason of a cancellation at once.
/// </summary>
public sealed record PurchaseFixture(string Item, int SoldDaysAgo, List<ShareFixture>? SharedWith, List<VisitFixture>? Visits,
    FreezeFixture? Freeze = null, string? Cancel = null);
public sealed record ClientFixture(string FirstName, string LastName, string Email, string Phone, string Barcode, string HomeLocation, List<PurchaseFixture> Purchases);

public sealed record SeedFixtures(List<LocationFixture> Locations, List<CatalogFixture> Catalog, StaffFile Staff,
    List<SessionFixture> Sessions, List<ClientFixture> Clients)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The seed-data folder copied beside the app, or the repository's when run from source.</summary>
    public static string DefaultFolder()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "seed-data");
        return Directory.Exists(beside) ? beside : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../seed-data"));
    }

    public static SeedFixtures Load(string folder) => new(
        Read<List<LocationFixture>>(folder, "locations.json"),
        Read<List<CatalogFixture>>(folder, "catalog.json"),
        Read<StaffFile>(folder, "staff.json"),
        Read<List<SessionFixture>>(folder, "sessions.json"),
        Read<List<ClientFixture>>(folder, "clients.json"));

    private static T Read<T>(string folder, string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(folder, file)), Json)
        ?? throw new InvalidDataException($"{file} in {folder} is empty.");
}
