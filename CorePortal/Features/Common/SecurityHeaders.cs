using System.Security.Cryptography;

namespace CorePortal.Features.Common;

/// <summary>
/// The headers every response carries, set in one place. The policy is the one Blazor Server and MudBlazor run under:
/// scripts only from this origin plus the one inline script Blazor writes (the import map, allowed by a per-request nonce),
/// inline styles because MudBlazor sets <c>style</c> attributes, the circuit's WebSocket to this host, and no framing at all.
/// </summary>
public static class SecurityHeaders
{
    public const string NonceItem = "CorePortal.CspNonce";
    public const string ScalarPath = "/scalar";

    /// <summary>The nonce of this request's policy, for the inline <c>&lt;script type="importmap"&gt;</c> of <c>App.razor</c>.</summary>
    public static string? Nonce(HttpContext? context) => context?.Items[NonceItem] as string;

    /// <summary>
    /// The Content-Security-Policy of one response. Scalar's API reference (Development only) is a third-party page with its own
    /// inline scripts and styles; it keeps only <c>frame-ancestors 'none'</c> rather than a policy loosened for every page.
    /// </summary>
    public static string ContentSecurityPolicy(HttpRequest request, string nonce)
    {
        if (request.Path.StartsWithSegments(ScalarPath)) return "frame-ancestors 'none'";
        var socket = request.IsHttps ? "wss" : "ws";
        return string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            $"connect-src 'self' {socket}://{request.Host}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    }

    /// <summary>
    /// Adds the headers as the response starts, so they survive the exception handler clearing the response for the error page,
    /// and static files, API answers and status pages carry them too.
    /// </summary>
    public static void UseSecurityHeaders(this WebApplication app) => app.Use((ctx, next) =>
    {
        // Hex rather than base64: '+' and '/' would reach the page HTML-encoded, so the attribute would read differently from the header.
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        ctx.Items[NonceItem] = nonce;
        ctx.Response.OnStarting(() =>
        {
            var headers = ctx.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.ContentSecurityPolicy = ContentSecurityPolicy(ctx.Request, nonce);
            return Task.CompletedTask;
        });
        return next(ctx);
    });

    /// <summary>HSTS and the redirect to HTTPS outside Development (Development runs on plain HTTP on a loopback port).</summary>
    public static bool EnforcesHttps(IHostEnvironment environment) => !environment.IsDevelopment();
}
