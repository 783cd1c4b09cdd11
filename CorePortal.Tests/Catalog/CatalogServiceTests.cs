using CorePortal.Data;
using CorePortal.Features.Catalog;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Catalog;

public sealed class CatalogServiceTests : IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();
    private CatalogService Catalog => new(_studio.Db);

    private CatalogItemInput NewPackage(bool allowSharing = false, string? limit = null) => new()
    {
        Kind = CatalogKind.Package, Name = "5-Class Duo", Price = 99.50m, LocationId = _studio.Location.Id, CreditsPerPeriod = 5,
        ValidityDays = 60, AllowSharing = allowSharing, SharingLimit = limit,
    };

    [Fact]
    public async Task A_manager_adds_a_package_with_sharing_and_it_is_sold_with_those_terms()
    {
        var saved = await Catalog.SaveAsync(TestUsers.Manager, NewPackage(allowSharing: true, limit: "2"));

        Assert.True(saved.Succeeded, saved.Message);
        var listed = Assert.Single((await Catalog.ListAsync(TestUsers.Manager, CatalogKind.Package)).Value!, i => i.Name == "5-Class Duo");
        Assert.Equal((9950L, true, 2, "Up to 2 clients"), (listed.PriceCents, listed.AllowSharing, listed.SharingLimit, listed.Sharing));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("2.5")]
    public async Task A_sharing_limit_that_is_not_a_whole_number_from_1_to_99_is_refused_and_nothing_is_saved(string limit)
    {
        var saved = await Catalog.SaveAsync(TestUsers.Manager, NewPackage(allowSharing: true, limit: limit));

        Assert.Equal(Outcome.Invalid, saved.Outcome);
        Assert.Contains("whole number from 1 to 99", saved.ErrorFor("SharingLimit"), StringComparison.Ordinal);
        await using var db = _studio.Db.CreateDbContext();
        Assert.False(await db.CatalogItems.AnyAsync(i => i.Name == "5-Class Duo"));
    }

    [Fact]
    public async Task With_sharing_off_the_limit_is_ignored_and_stored_empty()
    {
        var saved = await Catalog.SaveAsync(TestUsers.Manager, NewPackage(allowSharing: false, limit: "abc"));
        Assert.True(saved.Succeeded);
        Assert.Null((await Catalog.GetForEditAsync(TestUsers.Manager, saved.Value)).Value!.SharingLimit);
    }

    [Fact]
    public async Task Missing_terms_get_a_message_per_field()
    {
        var saved = await Catalog.SaveAsync(TestUsers.Admin, new CatalogItemInput { Kind = CatalogKind.Membership, Renewal = RenewalKind.FixedTerm, PeriodCount = 0 });
        Assert.Equal("Enter a name.", saved.ErrorFor("Name"));
        Assert.Equal("Enter a price from 0 to 100,000.", saved.ErrorFor("Price"));
        Assert.Equal("Choose a location.", saved.ErrorFor("LocationId"));
        Assert.Equal("Enter how many time frames a fixed-term sale covers (1 to 60).", saved.ErrorFor("PeriodCount"));
    }

    [Fact]
    public async Task Staff_and_Trainer_cannot_write_the_catalog()
    {
        Assert.Equal(Outcome.Forbidden, (await Catalog.SaveAsync(TestUsers.Staff, NewPackage())).Outcome);
        Assert.Equal(Outcome.Forbidden, (await Catalog.SaveAsync(TestUsers.Trainer, NewPackage())).Outcome);
        await using var db = _studio.Db.CreateDbContext();
        Assert.False(await db.CatalogItems.AnyAsync(i => i.Name == "5-Class Duo"));
    }

    [Fact]
    public async Task Saving_over_someone_elses_change_is_a_conflict()
    {
        var mine = (await Catalog.GetForEditAsync(TestUsers.Manager, _studio[FamilyStudio.FamilyPack])).Value!;
        var theirs = (await Catalog.GetForEditAsync(TestUsers.Manager, _studio[FamilyStudio.FamilyPack])).Value!;
        theirs.Price = 300m;
        Assert.True((await Catalog.SaveAsync(TestUsers.Manager, theirs)).Succeeded);

        mine.SharingLimit = "5";
        var saved = await Catalog.SaveAsync(TestUsers.Manager, mine);

        Assert.Equal(Outcome.Conflict, saved.Outcome);
        Assert.Equal("3", (await Catalog.GetForEditAsync(TestUsers.Manager, _studio[FamilyStudio.FamilyPack])).Value!.SharingLimit);
    }

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        return ValueTask.CompletedTask;
    }
}
