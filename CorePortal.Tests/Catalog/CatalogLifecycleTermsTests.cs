using CorePortal.Data;
using CorePortal.Features.Catalog;
using CorePortal.Features.Common;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Catalog;

/// <summary>A membership's renewal, rollover rule and freeze rules in Retail Configurations: saved, listed in short, validated.</summary>
public sealed class CatalogLifecycleTermsTests : IAsyncLifetime, IDisposable
{
    private readonly StudioBuilder _studio = new();
    private CatalogService Catalog => _studio.Catalog;

    public async ValueTask InitializeAsync() => await _studio.WithLocationAsync();

    private CatalogItemInput Membership(Action<CatalogItemInput>? change = null)
    {
        var input = new CatalogItemInput { Kind = CatalogKind.Membership, Name = "Monthly 8", Price = 120, LocationId = _studio.Location.Id, CreditsPerPeriod = 8 };
        change?.Invoke(input);
        return input;
    }

    [Fact]
    public async Task A_new_membership_renews_until_cancelled_without_rollover_or_freeze_by_default()
    {
        var saved = await Catalog.SaveAsync(TestUsers.Manager, Membership());

        var listed = Assert.Single((await Catalog.ListAsync(TestUsers.Manager, CatalogKind.Membership)).Value!);
        Assert.Equal((RenewalKind.OpenEnded, "Renews until cancelled", "None", "Off"), (listed.Renewal, listed.Term, listed.RolloverText, listed.FreezeText));
        Assert.Equal(RenewalKind.OpenEnded, (await Catalog.GetForEditAsync(TestUsers.Manager, saved.Value)).Value!.Renewal);
    }

    [Fact]
    public async Task Rollover_and_freeze_rules_are_saved_and_listed_in_short()
    {
        var saved = await Catalog.SaveAsync(TestUsers.Manager, Membership(i =>
        {
            (i.Renewal, i.PeriodCount, i.Rollover, i.RolloverCap, i.RolloverExpiresAfterPeriods) = (RenewalKind.FixedTerm, 12, RolloverRule.UpTo, 3, 2);
            (i.AllowFreeze, i.FreezeMinDays, i.FreezeMaxDays, i.FreezeMaxDaysPerYear, i.DefaultFreezeMode) = (true, 7, 30, 60, FreezeMode.Prorate);
        }));

        Assert.True(saved.Succeeded, saved.Message);
        var listed = Assert.Single((await Catalog.ListAsync(TestUsers.Manager, CatalogKind.Membership)).Value!);
        Assert.Equal(("12 months", "Up to 3, expire after 2 periods", "min 7 days, max 30 days, 60 days a year, Prorate"),
            (listed.Term, listed.RolloverText, listed.FreezeText));
        var edit = (await Catalog.GetForEditAsync(TestUsers.Manager, saved.Value)).Value!;
        Assert.Equal((RenewalKind.FixedTerm, 12, RolloverRule.UpTo, 3, 2, true, 7, 30, 60, FreezeMode.Prorate),
            (edit.Renewal, edit.PeriodCount!.Value, edit.Rollover, edit.RolloverCap!.Value, edit.RolloverExpiresAfterPeriods!.Value, edit.AllowFreeze,
             edit.FreezeMinDays!.Value, edit.FreezeMaxDays!.Value, edit.FreezeMaxDaysPerYear!.Value, edit.DefaultFreezeMode));
    }

    public static TheoryData<string, string> BadTerms => new()
    {
        { "cap missing", "RolloverCap" },
        { "expires after 0", "RolloverExpiresAfterPeriods" },
        { "unlimited rolls", "Rollover" },
        { "renewal 9", "Renewal" },
        { "max below min", "FreezeMaxDays" },
        { "min 0", "FreezeMinDays" },
        { "year below min", "FreezeMaxDaysPerYear" },
        { "fixed term of 0", "PeriodCount" },
    };

    [Theory]
    [MemberData(nameof(BadTerms))]
    public async Task Bad_lifecycle_terms_are_refused_on_their_field_and_nothing_is_saved(string what, string field)
    {
        var input = Membership(i =>
        {
            switch (what)
            {
                case "cap missing": (i.Rollover, i.RolloverCap) = (RolloverRule.UpTo, null); break;
                case "expires after 0": (i.Rollover, i.RolloverExpiresAfterPeriods) = (RolloverRule.All, 0); break;
                case "unlimited rolls": (i.Unlimited, i.CreditsPerPeriod, i.Rollover) = (true, null, RolloverRule.All); break;
                case "renewal 9": i.Renewal = (RenewalKind)9; break;
                case "max below min": (i.AllowFreeze, i.FreezeMinDays, i.FreezeMaxDays) = (true, 10, 5); break;
                case "min 0": (i.AllowFreeze, i.FreezeMinDays) = (true, 0); break;
                case "year below min": (i.AllowFreeze, i.FreezeMinDays, i.FreezeMaxDaysPerYear) = (true, 10, 5); break;
                case "fixed term of 0": (i.Renewal, i.PeriodCount) = (RenewalKind.FixedTerm, 0); break;
            }
        });

        var saved = await Catalog.SaveAsync(TestUsers.Manager, input);

        Assert.Equal(Outcome.Invalid, saved.Outcome);
        Assert.NotNull(saved.ErrorFor(field));
        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.False(await db.CatalogItems.AnyAsync());
    }

    [Fact]
    public async Task The_sale_copies_the_renewal_and_rollover_terms_onto_the_purchase()
    {
        var item = (await Catalog.SaveAsync(TestUsers.Manager, Membership(i => (i.Rollover, i.RolloverCap, i.RolloverExpiresAfterPeriods) = (RolloverRule.UpTo, 2, 3)))).Value;

        var purchase = await _studio.SellAsync(item, await _studio.ClientAsync("Maya", "Chen"));

        Assert.Equal((RenewalKind.OpenEnded, RolloverRule.UpTo, (int?)2, 3, 2), (purchase.Renewal, purchase.Rollover, purchase.RolloverCap,
            purchase.RolloverExpiresAfterPeriods, purchase.Periods.Count));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    public void Dispose() => _studio.Dispose();
}
