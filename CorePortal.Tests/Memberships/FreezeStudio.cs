using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>
/// The freeze tests' studio: the sharing studio (FamilyStudio) with freezing allowed on the 10-Class Pack (7 to 30 days,
/// Extend by default) and the Family Pack (no limits), and not on a third pack. The catalog form has no freeze fields on
/// this branch, so the rules are written onto the items through the write door, as a manager's save would leave them.
/// </summary>
public static class FreezeStudio
{
    public const string NoFreezePack = "5-Class Pack";

    public static async Task<StudioBuilder> BuildAsync(StudioBuilder studio)
    {
        await FamilyStudio.BuildAsync(studio);
        await studio.PackageAsync(NoFreezePack, 5, validityDays: 60, price: 90m);
        await studio.FreezeRulesAsync(studio[FamilyStudio.TenPack], min: 7, max: 30);
        await studio.FreezeRulesAsync(studio[FamilyStudio.FamilyPack]);
        return studio;
    }

    public static Task FreezeRulesAsync(this StudioBuilder studio, int itemId, int? min = null, int? max = null, FreezeMode mode = FreezeMode.Extend) =>
        studio.Db.WriteAsync(db => db.CatalogItems.Where(i => i.Id == itemId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.AllowFreeze, true).SetProperty(i => i.FreezeMinDays, min).SetProperty(i => i.FreezeMaxDays, max)
            .SetProperty(i => i.DefaultFreezeMode, mode).SetProperty(i => i.Version, Guid.NewGuid())));

    /// <summary>
    /// An active freeze row as FreezeService leaves one, for the notice tests only: FreezeService is built on another branch
    /// (it throws here), and the notices read no more than the row.
    /// </summary>
    public static async Task<int> FreezeRowAsync(this StudioBuilder studio, int purchaseId, DateOnly startsOn, DateOnly? endsOn, FreezeStatus status = FreezeStatus.Active)
    {
        var freeze = new Freeze
        {
            PurchaseId = purchaseId, StartsOn = startsOn, EndsOn = endsOn, PlannedEndsOn = endsOn, Mode = FreezeMode.Extend, Status = status,
            Actor = "Sam Staff", CreatedAtUtc = studio.Clock.GetUtcNow().UtcDateTime,
        };
        await studio.Db.WriteAsync(async db =>
        {
            db.Freezes.Add(freeze);
            await db.SaveChangesAsync();
        });
        return freeze.Id;
    }
}
