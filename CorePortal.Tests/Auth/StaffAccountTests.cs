using System.Net;
using System.Net.Http.Json;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Auth;

/// <summary>Disabling and enabling staff logins over /account: who may, what is recorded, and the cross-site guard.</summary>
public sealed class StaffAccountTests(StaffAccountTests.App app) : IClassFixture<StaffAccountTests.App>
{
    public sealed class App : PortalFactory
    {
        public App() => Settings["Auth:RevalidationInterval"] = "00:00:00.001";
    }

    private sealed record Problem(int Status, string? Detail, Dictionary<string, string[]>? Errors);

    [Fact]
    public async Task A_manager_cannot_disable_an_admin_or_themselves_and_nothing_changes()
    {
        var manager = await app.SignedInClientAsync(DemoUsers.Manager);

        var admin = await PostAsync(manager, $"/account/disable/{await IdOfAsync(DemoUsers.Admin)}");
        var self = await PostAsync(manager, $"/account/disable/{await IdOfAsync(DemoUsers.Manager)}");

        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Equal("application/problem+json", admin.Content.Headers.ContentType?.MediaType);
        Assert.Contains(DemoUsers.Admin, (await admin.Content.ReadFromJsonAsync<Problem>())!.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Equal(["You cannot disable your own login."], (await self.Content.ReadFromJsonAsync<Problem>())!.Errors![StaffAccountService.UserIdField]);
        Assert.False(await IsDisabledAsync(DemoUsers.Admin));
        Assert.False(await IsDisabledAsync(DemoUsers.Manager));
        Assert.Equal(0, await EventsAboutAsync(DemoUsers.Admin, DemoUsers.Manager));
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/clients")).StatusCode); // still signed in
    }

    [Fact]
    public async Task An_admin_re_enables_a_disabled_login_which_signs_in_again_and_both_changes_are_recorded_and_listed()
    {
        var email = await NewStaffLoginAsync("desk-reenable@demo.studio", Roles.Staff);
        var id = await IdOfAsync(email);
        var manager = await app.SignedInClientAsync(DemoUsers.Manager);
        var admin = await app.SignedInClientAsync(DemoUsers.Admin);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(manager, $"/account/disable/{id}")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, (await PortalFactory.PostLoginAsync(Anonymous(), email, DemoUsers.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(manager, $"/account/enable/{id}")).StatusCode); // Admins only
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, $"/account/enable/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.PostLoginAsync(Anonymous(), email, DemoUsers.Password)).StatusCode);
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<StaffAccountService>();
        var history = (await accounts.HistoryAsync(TestUsers.Manager)).Value!.Where(e => e.SubjectEmail == email).ToList();
        Assert.Equal([(StaffAccountChange.Enabled, "Avery Admin"), (StaffAccountChange.Disabled, "Morgan Manager")],
            history.Select(e => (e.Change, e.ActorName)));
        var listed = Assert.Single((await accounts.ListAsync(TestUsers.Manager)).Value!, l => l.Email == email);
        Assert.Equal((Roles.Staff, false), (listed.Role, listed.IsDisabled));
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(email))!;
        Assert.Null(user.LockoutEnd);
    }

    [Fact]
    public async Task A_post_without_an_antiforgery_token_is_refused_and_disables_nobody()
    {
        var email = await NewStaffLoginAsync("desk-csrf@demo.studio", Roles.Trainer);
        var manager = await app.SignedInClientAsync(DemoUsers.Manager);

        var bare = await manager.PostAsync($"/account/disable/{await IdOfAsync(email)}", null);
        var forged = await manager.PostAsync($"/account/disable/{await IdOfAsync(email)}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "forged" }));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (bare.StatusCode, forged.StatusCode));
        Assert.Equal("application/problem+json", bare.Content.Headers.ContentType?.MediaType);
        Assert.Contains(AccountEndpoints.AntiforgeryField, (await bare.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
        Assert.False(await IsDisabledAsync(email));
        Assert.Equal(0, await EventsAboutAsync(email));
    }

    [Fact]
    public async Task A_manager_disables_a_login_of_their_own_rank_or_lower_and_its_open_session_ends()
    {
        var email = await NewStaffLoginAsync("manager-two@demo.studio", Roles.Manager);
        var theirs = await app.SignedInClientAsync(email);
        var manager = await app.SignedInClientAsync(DemoUsers.Manager);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(manager, $"/account/disable/{await IdOfAsync(email)}")).StatusCode);

        var after = await theirs.GetAsync("/clients");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/login", after.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await EventsAboutAsync(email));
    }

    private HttpClient Anonymous() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    // Posts as the Staff page's browser would: with the antiforgery token a portal page of this signed-in client carries.
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path)
    {
        var token = PortalFactory.AntiforgeryToken(await client.GetStringAsync("/login"));
        return await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    private async Task<string> NewStaffLoginAsync(string email, string role)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email };
        Assert.True((await users.CreateAsync(user, DemoUsers.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return email;
    }

    private Task<string> IdOfAsync(string email) => QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private Task<bool> IsDisabledAsync(string email) => QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.IsDisabled).SingleAsync());

    private Task<int> EventsAboutAsync(params string[] emails) => QueryAsync(db => db.StaffAccountEvents.CountAsync(e => emails.Contains(e.SubjectEmail)));

    private async Task<T> QueryAsync<T>(Func<CoreDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        return await query(db);
    }
}
