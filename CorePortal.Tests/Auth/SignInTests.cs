using System.Net;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Auth;

public sealed class SignInTests(SignInTests.App app) : IClassFixture<SignInTests.App>
{
    public sealed class App : PortalFactory
    {
        // Re-check the account on every request, so a disabled login is noticed at once (zero would mean never).
        public App() => Settings["Auth:RevalidationInterval"] = "00:00:00.001";
    }

    private HttpClient Anonymous() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task The_demo_password_signs_in_and_lands_on_Clients()
    {
        var response = await PortalFactory.PostLoginAsync(Anonymous(), DemoUsers.Manager, DemoUsers.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/clients", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        var response = await PortalFactory.PostLoginAsync(Anonymous(), DemoUsers.Trainer, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That email and password do not match.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_requires_sign_in()
    {
        var response = await Anonymous().GetAsync("/clients");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/login?ReturnUrl=%2Fclients", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_sign_in()
    {
        Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync("/health/live")).StatusCode);
        Assert.Equal("Healthy", await Anonymous().GetStringAsync("/health/ready"));
    }

    [Theory]
    [InlineData(DemoUsers.Trainer, "/payments/new-sale", HttpStatusCode.Forbidden)]
    [InlineData(DemoUsers.Trainer, "/payments/retail/packages", HttpStatusCode.Forbidden)]
    [InlineData(DemoUsers.Staff, "/payments/retail/packages", HttpStatusCode.Forbidden)]
    [InlineData(DemoUsers.Trainer, "/clients", HttpStatusCode.OK)]
    [InlineData(DemoUsers.Staff, "/payments/new-sale", HttpStatusCode.OK)]
    [InlineData(DemoUsers.Manager, "/payments/retail/memberships", HttpStatusCode.OK)]
    public async Task Pages_are_authorized_on_the_server_by_role(string user, string path, HttpStatusCode expected)
    {
        var client = await app.SignedInClientAsync(user);

        var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
            Assert.Contains("Access denied", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trainer_is_refused_a_manager_endpoint()
    {
        var client = await app.SignedInClientAsync(DemoUsers.Trainer);

        var response = await client.PostAsync("/account/disable/nobody", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Disabling_an_account_ends_its_open_sessions()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = "temp@demo.studio", Email = "temp@demo.studio", EmailConfirmed = true, DisplayName = "Temp Desk" };
        await users.CreateAsync(user, DemoUsers.Password);
        await users.AddToRoleAsync(user, Roles.Staff);
        var client = await app.SignedInClientAsync("temp@demo.studio");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/clients")).StatusCode);

        await scope.ServiceProvider.GetRequiredService<StaffAccountService>().DisableAsync(TestUsers.Admin, user.Id);

        var after = await client.GetAsync("/clients");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/login", after.Headers.Location?.ToString(), StringComparison.Ordinal);
        var again = await PortalFactory.PostLoginAsync(Anonymous(), "temp@demo.studio", DemoUsers.Password);
        Assert.Contains("That email and password do not match.", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal); // as for an unknown email
    }
}

public sealed class SessionLimitTests
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account()
    {
        await using var app = new PortalFactory();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < 5; i++) await PortalFactory.PostLoginAsync(client, DemoUsers.Staff, "wrong-password");

        var response = await PortalFactory.PostLoginAsync(client, DemoUsers.Staff, DemoUsers.Password);

        Assert.Contains("locked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_ends_at_the_absolute_limit_however_active()
    {
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        await using var app = new PortalFactory { Settings = { ["Auth:IdleTimeout"] = "1.00:00:00", ["Auth:AbsoluteTimeout"] = "12:00:00" } };
        await using var timed = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var client = timed.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await PortalFactory.PostLoginAsync(client, DemoUsers.Staff, DemoUsers.Password);

        clock.Now += TimeSpan.FromHours(11);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/clients")).StatusCode);
        clock.Now += TimeSpan.FromHours(1.1);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/clients")).StatusCode);
    }
}

public sealed class AddUserCommandTests
{
    [Fact]
    public async Task A_studio_without_the_demo_seed_gets_its_first_admin_from_the_command_line()
    {
        await using var app = new PortalFactory { Settings = { ["Seed:Demo"] = "false" } };
        var command = AddUserCommand.TryParse(["add-user", "--email", "owner@studio.test", "--name", "Olive Owner", "--role", "Admin"]);

        Assert.Equal(1, await command!.RunAsync(app.Services, password: null));
        Assert.Equal(0, await command.RunAsync(app.Services, "Long-enough-1"));

        var owner = await app.SignedInClientAsync("owner@studio.test", "Long-enough-1");
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/payments/retail/packages")).StatusCode);
        var demo = await PortalFactory.PostLoginAsync(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), DemoUsers.Admin, DemoUsers.Password);
        Assert.Contains("That email and password do not match.", await demo.Content.ReadAsStringAsync(), StringComparison.Ordinal); // no default password
    }
}
