using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using CorePortal.Tests.Live;
using Microsoft.EntityFrameworkCore;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Sharing;

public sealed class SharingServiceTests : IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();

    [Fact]
    public async Task The_fourth_client_on_a_limit_of_three_is_refused_and_a_removal_frees_a_place()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen");
        var sharing = _studio.Sharing;
        Assert.True((await sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Noah Park"])).Succeeded);

        var fourth = await sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Zoe Park"]);
        Assert.Equal(Outcome.Conflict, fourth.Outcome); // 409 over the API: the limit is reached
        Assert.Equal("All 3 sharing places are taken. Remove someone to free a place.", fourth.Message);

        var ivy = await ShareIdAsync(purchaseId, "Ivy Chen");
        Assert.True((await sharing.RemoveAsync(TestUsers.Staff, ivy)).Succeeded);
        Assert.True((await sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Zoe Park"])).Succeeded);

        var view = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!;
        Assert.Equal(0, view.PlacesLeft);
        Assert.Equal(ShareStatus.Removed, view.Users.Single(u => u.Name == "Ivy Chen").Status);
        Assert.NotNull(view.Users.Single(u => u.Name == "Ivy Chen").RemovedAtUtc);
        Assert.Contains(view.History, h => h.Text == "Ivy Chen removed." && h.Actor == "Sam Staff");
    }

    [Fact]
    public async Task The_owner_and_a_client_already_holding_a_place_cannot_be_added()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var sharing = _studio.Sharing;
        Assert.Equal("The main client already owns this package; choose someone else.", (await sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Maya Chen"])).Message);
        Assert.Equal("That client is already authorized on this package.", (await sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Leo Chen"])).Message);
    }

    [Fact]
    public async Task No_client_can_be_added_after_the_package_ends()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen");
        _studio.Clock.Now = _studio.Clock.Now.AddDays(181);
        var result = await _studio.Sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Leo Chen"]);
        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.StartsWith("This package ended on", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepting_on_the_clients_behalf_authorizes_them_and_publishes_the_pool_to_them()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        using var published = new FeedProbe(_studio.Feed, BalanceTopic.Client(_studio["Leo Chen"]));

        var result = await _studio.Sharing.AcceptAsync(TestUsers.Staff, await ShareIdAsync(purchaseId, "Leo Chen"));

        Assert.Equal("Leo Chen can now book with 20-Class Family Pack.", result.Message);
        Assert.Contains(_studio["Leo Chen"], Assert.Single(await published.SettleAsync()).ClientIds);
        var shared = Assert.Single((await _studio.Queries.SharedWithClientAsync(TestUsers.Staff, _studio["Leo Chen"])).Value!);
        Assert.Equal(("Maya Chen", ShareStatus.Accepted, 20), (shared.OwnerName, shared.Status, shared.Remaining));
    }

    [Fact]
    public async Task Declining_leaves_the_client_without_access_and_frees_the_place()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        await _studio.Sharing.DeclineAsync(TestUsers.Staff, await ShareIdAsync(purchaseId, "Leo Chen"));
        Assert.Empty((await _studio.Queries.SharedWithClientAsync(TestUsers.Staff, _studio["Leo Chen"])).Value!);
        Assert.Equal(3, (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!.PlacesLeft);
    }

    [Fact]
    public async Task Trainer_cannot_add_accept_or_remove_authorized_clients()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var share = await ShareIdAsync(purchaseId, "Leo Chen");
        var sharing = _studio.Sharing;
        Assert.Equal(Outcome.Forbidden, (await sharing.AddShareAsync(TestUsers.Trainer, purchaseId, _studio["Ivy Chen"])).Outcome);
        Assert.Equal(Outcome.Forbidden, (await sharing.AcceptAsync(TestUsers.Trainer, share)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await sharing.RemoveAsync(TestUsers.Trainer, share)).Outcome);
    }

    [Fact]
    public async Task An_invitation_token_answers_once_and_not_after_it_expires()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen");
        await SetTokenAsync(purchaseId, "Leo Chen", "leo-token", _studio.Clock.Now.UtcDateTime.AddDays(1));
        await SetTokenAsync(purchaseId, "Ivy Chen", "ivy-token", _studio.Clock.Now.UtcDateTime.AddDays(-1));
        var sharing = _studio.Sharing;

        Assert.True((await sharing.RespondByTokenAsync("leo-token", accept: true)).Succeeded);
        Assert.Equal(Outcome.NotFound, (await sharing.RespondByTokenAsync("leo-token", accept: false)).Outcome);
        Assert.Equal(Outcome.NotFound, (await sharing.RespondByTokenAsync("ivy-token", accept: true)).Outcome);
        var users = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!.Users;
        Assert.Equal(ShareStatus.Accepted, users.Single(u => u.Name == "Leo Chen").Status);
        Assert.Equal(ShareStatus.Pending, users.Single(u => u.Name == "Ivy Chen").Status);
    }

    [Fact]
    public async Task Through_the_app_the_owner_adds_and_removes_and_only_the_invited_client_answers()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen");
        var sharing = _studio.Sharing;
        var maya = Member("Maya Chen");
        var leo = Member("Leo Chen");

        Assert.Equal(Outcome.Forbidden, (await sharing.AddShareAsync(leo, purchaseId, _studio["Ivy Chen"])).Outcome);
        Assert.True((await sharing.AddShareAsync(maya, purchaseId, _studio["Leo Chen"])).Succeeded);
        var share = await ShareIdAsync(purchaseId, "Leo Chen");
        Assert.Equal(Outcome.Forbidden, (await sharing.AcceptAsync(Member("Ivy Chen"), share)).Outcome);
        Assert.True((await sharing.AcceptAsync(leo, share)).Succeeded);
        Assert.Equal(Outcome.Forbidden, (await sharing.RemoveAsync(leo, share)).Outcome);
        Assert.True((await sharing.RemoveAsync(maya, share)).Succeeded);

        var history = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!.History;
        Assert.Contains(history, h => h.Text == "Leo Chen accepted the invitation." && h.Actor == "Leo Chen");
        Assert.Contains(history, h => h.Text == "Leo Chen removed." && h.Actor == "Maya Chen");
    }

    private System.Security.Claims.ClaimsPrincipal Member(string name) => TestUsers.Member(_studio[name], name);

    private async Task<int> ShareIdAsync(int purchaseId, string client)
    {
        await using var db = _studio.Db.CreateDbContext();
        var clientId = _studio[client];
        return await db.PurchaseShares.Where(s => s.PurchaseId == purchaseId && s.ClientId == clientId).OrderByDescending(s => s.Id).Select(s => s.Id).FirstAsync();
    }

    private async Task SetTokenAsync(int purchaseId, string client, string token, DateTime expiresUtc)
    {
        var id = await ShareIdAsync(purchaseId, client);
        await _studio.Db.WriteAsync(db => db.PurchaseShares.Where(s => s.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.TokenHash, CorePortal.Features.Notifications.OutboxDelivery.HashToken(token))
            .SetProperty(x => x.TokenExpiresAtUtc, expiresUtc)));
    }

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        return ValueTask.CompletedTask;
    }
}
