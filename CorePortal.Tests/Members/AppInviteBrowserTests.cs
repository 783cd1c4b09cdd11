using CorePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Members;

[Collection(BrowserCollection.Name)]
[Trait("Engine", "Sqlite")] // browser tests stay on SQLite (issue 16): the services they drive are proven on PostgreSQL by the service tests
public sealed class AppInviteBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_invite_a_client_to_the_app_from_the_profile_and_the_mail_carries_the_link()
    {
        var page = await OpenProfileAsync(DemoUsers.Staff, "Kenji Watanabe");

        await Expect(page.GetByTestId("app-login-state")).ToHaveTextAsync("App: not invited");
        await page.GetByTestId("invite-to-app").ClickAsync();

        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("An app invitation is on its way to kenji.w@example.com.");
        await Expect(page.GetByTestId("app-login-state")).ToContainTextAsync("App: invited");
        await Expect(page.GetByTestId("invite-to-app")).ToHaveTextAsync("Resend invitation");
        var mail = await browser.App.WaitForMailAsync("kenji.w@example.com");
        Assert.Contains("/app/activate/", mail.TextBody, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Trainers_see_the_app_login_state_but_no_invite_button()
    {
        var page = await OpenProfileAsync(DemoUsers.Trainer, "Maya Chen");

        await Expect(page.GetByTestId("app-login-state")).ToHaveTextAsync("App: active");
        await Expect(page.GetByTestId("invite-to-app")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    private async Task<IPage> OpenProfileAsync(string user, string client)
    {
        var page = await browser.SignedInPageAsync(user);
        await BrowserFixture.Field(page, "client-search").FillAsync(client);
        await BrowserFixture.Field(page, "client-search").PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = client }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = client })).ToBeVisibleAsync();
        return page;
    }
}
