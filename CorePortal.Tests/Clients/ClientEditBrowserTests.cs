using CorePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Clients;

[Collection(BrowserCollection.Name)]
public sealed class ClientEditBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_add_a_client_fix_a_bad_email_land_on_the_profile_and_edit_the_phone()
    {
        var page = await browser.SignedInPageAsync(DemoUsers.Staff);

        await page.GetByTestId("new-client").ClickAsync();
        await page.FillAsync("#client-first-name", "Nora");
        await page.FillAsync("#client-last-name", "Newcomb");
        await page.FillAsync("#client-email", "nora.newcomb");
        await page.GetByTestId("save-client").ClickAsync();
        await Expect(page.GetByText("Enter an email address such as name@example.com.")).ToBeVisibleAsync();
        await page.FillAsync("#client-email", "nora.newcomb@example.org");
        await page.GetByTestId("save-client").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nora Newcomb" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("client-header")).ToContainTextAsync("CP5");

        await page.GetByTestId("edit-client").ClickAsync();
        await page.FillAsync("#client-phone", "555-010-4242");
        await page.GetByTestId("save-client").ClickAsync();
        await Expect(page.GetByTestId("client-header")).ToContainTextAsync("555-010-4242");
    }
}
