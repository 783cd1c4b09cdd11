using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Members;
using CorePortal.Features.Sales;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CorePortal.Tests.Members;

/// <summary>The whole app on PostgreSQL, where writers run at once (as on several servers).</summary>
public sealed class PostgresPortal : PortalFactory
{
    public PostgresPortal()
    {
        Engine = DatabaseEngine.Postgres;
        GeneratedClients = 0; // the demo studio is enough here
    }
}

/// <summary>
/// Members' app logins on PostgreSQL: invitations and activation links used at once, each request in its own scope (as two
/// requests, or two servers, have), started together behind a gate.
/// </summary>
[Trait("Engine", "Postgres")]
public sealed partial class PostgresMemberConcurrencyTests(PostgresPortal app) : IClassFixture<PostgresPortal>
{
    private const string Password = "Strong-Password-1";

    [Fact]
    public async Task Two_invitations_at_once_for_one_client_make_one_login()
    {
        var client = await app.NewClientAsync("Rae", "Twice");

        var results = await AllAtOnce.RunAsync(
            () => InScopeAsync<MemberAccountService, ServiceResult>(s => s.InviteAsync(TestUsers.Staff, client.Id)),
            () => InScopeAsync<MemberAccountService, ServiceResult>(s => s.InviteAsync(TestUsers.Staff, client.Id)));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        Assert.Equal(1, await QueryAsync(db => db.Users.CountAsync(u => u.ClientId == client.Id)));
    }

    [Fact]
    public async Task Two_clients_with_one_email_invited_at_once_get_one_login_and_the_other_hears_why()
    {
        var email = $"family.{Guid.NewGuid():N}@example.com";
        var (first, second) = (await ClientWithEmailAsync("Kim", email), await ClientWithEmailAsync("Jo", email));

        var results = await AllAtOnce.RunAsync(
            () => InScopeAsync<MemberAccountService, ServiceResult>(s => s.InviteAsync(TestUsers.Staff, first)),
            () => InScopeAsync<MemberAccountService, ServiceResult>(s => s.InviteAsync(TestUsers.Staff, second)));

        Assert.Single(results, r => r.Succeeded);
        var refused = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal($"{email} already signs in to CorePortal as someone else; give the client another email address first.", refused.Message);
        Assert.Equal(1, await QueryAsync(db => db.Users.CountAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task An_activation_link_used_twice_at_once_sets_one_password()
    {
        var client = await app.NewClientAsync("Lee", "Link");
        Assert.True((await InScopeAsync<MemberAccountService, ServiceResult>(s => s.InviteAsync(TestUsers.Staff, client.Id))).Succeeded);
        var token = Link().Match((await app.WaitForMailAsync(client.Email)).TextBody ?? "").Groups[1].Value;
        Assert.NotEmpty(token);

        var results = await AllAtOnce.RunAsync(
            () => InScopeAsync<MemberAccountService, ServiceResult>(s => s.ActivateAsync(token, Password, Password)),
            () => InScopeAsync<MemberAccountService, ServiceResult>(s => s.ActivateAsync(token, Password, Password)));

        Assert.Single(results, r => r.Succeeded);
        var refused = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal((Outcome.NotFound, "This link is not valid any more. Ask the studio to send a new invitation."), (refused.Outcome, refused.Message));
        Assert.Null(await QueryAsync(db => db.Users.Where(u => u.ClientId == client.Id).Select(u => u.ActivationTokenHash).SingleAsync()));
    }

    [Fact]
    public async Task Sharing_requests_at_once_on_several_of_a_members_packs_stop_at_the_daily_limit()
    {
        var owner = await app.NewClientAsync("Pia", "Parallel");
        var member = TestUsers.Member(owner);
        var item = await QueryAsync(db => db.CatalogItems.Where(i => i.Name == "20-Class Family Pack").Select(i => i.Id).SingleAsync());
        var limit = app.Services.GetRequiredService<IOptions<SharingOptions>>().Value.MemberInvitationsPerDay;
        var packs = new List<int>();
        for (var i = 0; i < limit + 3; i++)
            packs.Add((await InScopeAsync<SaleService, ServiceResult<SaleReceipt>>(s => s.CheckoutAsync(TestUsers.Staff, new SaleRequest(item, owner.Id, [])))).Value!.PurchaseId);

        // One request per pack, so no purchase lock orders them: only the member's own lock keeps the count and the insert together.
        var results = await AllAtOnce.RunAsync(packs.Select((pack, n) => (Func<Task<ServiceResult>>)(() =>
            InScopeAsync<MemberInvitationService, ServiceResult>(s => s.InviteByContactAsync(member, pack, $"nobody{n}@example.com")))));

        Assert.Equal(limit, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(Outcome.TooManyRequests, r.Outcome));
        Assert.Equal(limit, await QueryAsync(db => db.ShareRequests.CountAsync(r => r.RequestedByClientId == owner.Id)));
    }

    private async Task<int> ClientWithEmailAsync(string first, string email)
    {
        var client = await app.NewClientAsync(first, "Shared");
        var input = (await InScopeAsync<ClientEditService, ServiceResult<ClientInput>>(s => s.GetForEditAsync(TestUsers.Staff, client.Id))).Value!;
        input.Email = email;
        Assert.True((await InScopeAsync<ClientEditService, ServiceResult<SavedClient>>(s => s.UpdateAsync(TestUsers.Staff, client.Id, input))).Succeeded);
        return client.Id;
    }

    private async Task<T> QueryAsync<T>(Func<CoreDbContext, Task<T>> query)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    private async Task<TResult> InScopeAsync<TService, TResult>(Func<TService, Task<TResult>> call) where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }

    [GeneratedRegex(@"http\S+/app/activate/([A-Za-z0-9_-]+)")]
    private static partial Regex Link();
}
