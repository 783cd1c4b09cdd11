using CorePortal.Data;
using CorePortal.Features.Catalog;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Sharing;

public sealed class SnapshotRuleTests : IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();

    [Fact]
    public async Task Turning_sharing_on_later_does_not_make_an_older_purchase_shareable_but_new_sales_are()
    {
        var older = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        await SetSharingAsync(_studio[FamilyStudio.TenPack], allow: true, limit: "2");
        var newer = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Noah Park", "Zoe Park");

        var refused = await _studio.Sharing.AddShareAsync(TestUsers.Staff, older, _studio["Leo Chen"]);
        Assert.Equal("Sharing is not allowed on this purchase.", refused.Message);
        var olderView = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, older)).Value!;
        Assert.False(olderView.AllowSharing);
        Assert.Equal("Sharing was off for 10-Class Pack when it was sold.", olderView.TermsNote);
        Assert.StartsWith("The item is now set to sharing with up to 2 clients; this purchase keeps its own terms", olderView.CatalogComparison, StringComparison.Ordinal);
        Assert.Equal(2, (await _studio.Queries.PurchaseAsync(TestUsers.Staff, newer)).Value!.SharingLimit);
    }

    [Fact]
    public async Task Turning_sharing_off_or_lowering_the_limit_later_does_not_revoke_shares_already_made()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen", "Noah Park");
        await SetSharingAsync(_studio[FamilyStudio.FamilyPack], allow: true, limit: "1");
        await SetSharingAsync(_studio[FamilyStudio.FamilyPack], allow: false, limit: null);

        var view = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!;
        Assert.True(view.AllowSharing);
        Assert.Equal(3, view.SharingLimit);
        Assert.All(view.Users, u => Assert.Equal(ShareStatus.Pending, u.Status));
        Assert.Equal(3, view.Users.Count);
    }

    [Fact]
    public async Task A_manager_can_turn_sharing_on_for_one_existing_purchase_with_a_limit_and_a_recorded_note()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        var other = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Noah Park");

        var result = await _studio.Terms.EnableSharingAsync(TestUsers.Manager, purchaseId, "2", "Family joined after the sale");

        Assert.True(result.Succeeded);
        Assert.True((await _studio.Sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Leo Chen"])).Succeeded);
        var view = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!;
        Assert.Contains("turned on for this purchase by Mia Manager", view.TermsNote, StringComparison.Ordinal);
        Assert.Contains(view.History, h => h.Text == "Sharing turned on with a limit of 2: Family joined after the sale" && h.Actor == "Mia Manager");
        Assert.False((await _studio.Queries.PurchaseAsync(TestUsers.Staff, other)).Value!.AllowSharing);
    }

    [Theory]
    [InlineData("0", "note", "SharingLimit", "Enter a whole number from 1 to 99.")]
    [InlineData("2", " ", "Note", "Say why sharing is turned on for this purchase.")]
    public async Task The_managers_override_needs_a_valid_limit_and_a_note(string limit, string note, string field, string message)
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        var result = await _studio.Terms.EnableSharingAsync(TestUsers.Manager, purchaseId, limit, note);
        Assert.Equal(message, result.ErrorFor(field));
        Assert.False((await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!.AllowSharing);
    }

    [Fact]
    public async Task Staff_cannot_change_a_purchases_sharing_terms()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        Assert.Equal(Outcome.Forbidden, (await _studio.Terms.EnableSharingAsync(TestUsers.Staff, purchaseId, "2", "please")).Outcome);
    }

    private async Task SetSharingAsync(int itemId, bool allow, string? limit)
    {
        var catalog = new CatalogService(_studio.Db);
        var input = (await catalog.GetForEditAsync(TestUsers.Manager, itemId)).Value!;
        input.AllowSharing = allow;
        input.SharingLimit = limit;
        var saved = await catalog.SaveAsync(TestUsers.Manager, input);
        Assert.True(saved.Succeeded, saved.Message);
        await using var db = _studio.Db.CreateDbContext();
        Assert.Equal(allow, await db.CatalogItems.Where(i => i.Id == itemId).Select(i => i.AllowSharing).SingleAsync());
    }

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        return ValueTask.CompletedTask;
    }
}
