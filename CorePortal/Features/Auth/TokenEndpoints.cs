using System.Threading.RateLimiting;
using CorePortal.Data;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Auth;

public sealed record TokenLoginRequest(string Email, string Password);
public sealed record TokenRefreshRequest(string RefreshToken);

/// <summary>
/// Bearer tokens for staff and integrations: sign in and refresh only. Written here rather than MapIdentityApi,
/// which would also open registration and password-reset endpoints the studio does not want.
/// </summary>
public static class TokenEndpoints
{
    public const string SignInLimit = "sign-in";

    public static void AddSignInRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Auth:SignInsPerMinute", 10);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
    }

    public static void MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").AllowAnonymous().RequireRateLimiting(SignInLimit).WithTags("Auth");

        // On success the bearer handler writes { tokenType, accessToken, expiresIn, refreshToken }.
        auth.MapPost("/login", async (TokenLoginRequest body, SignInService signIn) =>
            await signIn.SignInAsync(body.Email ?? "", body.Password ?? "", IdentityConstants.BearerScheme) switch
            {
                SignInOutcome.Succeeded => Results.Empty,
                SignInOutcome.LockedOut => Results.Problem("Too many failed attempts: this account is locked for a while.", statusCode: StatusCodes.Status401Unauthorized),
                SignInOutcome.TooManyAttempts => Results.Problem("Too many sign-in attempts for this account. Wait a minute and try again.", statusCode: StatusCodes.Status429TooManyRequests),
                _ => Results.Problem("That email and password do not match.", statusCode: StatusCodes.Status401Unauthorized),
            });

        // A refresh token is good until it expires and only while the account's security stamp is unchanged
        // (disabling an account renews the stamp).
        auth.MapPost("/refresh", async (TokenRefreshRequest body, IOptionsMonitor<BearerTokenOptions> options,
            SignInManager<StaffUser> signIn, TimeProvider clock) =>
        {
            var protector = options.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
            var ticket = protector.Unprotect(body.RefreshToken);
            if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires
                || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { IsDisabled: false } user)
                return Results.Problem("The refresh token is not valid.", statusCode: StatusCodes.Status401Unauthorized);
            var principal = await signIn.CreateUserPrincipalAsync(user);
            if (ticket.Principal.FindFirst(SessionOptions.SignedInAtClaim) is { } signedInAt)
                principal.Identities.First().AddClaim(new(signedInAt.Type, signedInAt.Value));
            return Results.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
        });
    }
}
