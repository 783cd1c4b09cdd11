using CorePortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CorePortal.Tests.Security;

/// <summary>A policy that blocks part of Blazor or MudBlazor shows in the browser as a violation, even where the screen still works.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("/clients")]
    [InlineData("/payments/new-sale")]
    [InlineData("/reports")]
    [InlineData("/staff")]
    public async Task Interactive_pages_run_without_a_single_policy_violation(string path)
    {
        var page = await browser.SignedInPageAsync(DemoUsers.Manager, path);
        var console = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") console.Add(message.Text); };
        // Recorded by the page itself from the first script on, before Blazor or MudBlazor load.
        await page.AddInitScriptAsync("window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");

        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);

        var violations = await page.EvaluateAsync<string[]>("window.__cspViolations");
        Assert.Empty(violations);
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
