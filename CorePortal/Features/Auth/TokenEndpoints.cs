using System.Threading.RateLimiting;
using CorePortal.Data;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Auth;

public sealed record TokenLoginRequest(string Email, string Password);
public sealed record TokenRefreshRequest(string RefreshToken);

/// <summary>
/// Bearer tokens for staff and integrations: sign in, refresh and sign out only. Written here rather than MapIdentityApi,
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
        // Each answers 200 with { tokenType, accessToken, expiresIn, refreshToken }, written by the bearer handler;
        // 400 for a body that is not JSON, 429 past the sign-in limit.
        var auth = app.MapGroup("/api/auth").AllowAnonymous().RequireRateLimiting(SignInLimit).WithTags("Auth")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AccessTokenResponse), ["application/json"]))
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        auth.MapPost("/login", LoginAsync);
        auth.MapPost("/refresh", RefreshAsync);
        // Outside the anonymous group: signing out needs the bearer token whose session it ends.
        app.MapPost("/api/auth/logout", LogoutAsync).RequireAuthorization().WithTags("Auth").ProducesAuthProblems();
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> LoginAsync(TokenLoginRequest body, SignInService signIn, HttpContext http) =>
        await signIn.SignInAsync(body.Email ?? "", body.Password ?? "", http.Connection.RemoteIpAddress, IdentityConstants.BearerScheme) switch
        {
            SignInOutcome.Succeeded => TypedResults.Empty,
            SignInOutcome.LockedOut => TypedResults.Problem("Too many failed attempts: this account is locked for a while.", statusCode: StatusCodes.Status401Unauthorized),
            SignInOutcome.TooManyAttempts => TypedResults.Problem("Too many sign-in attempts for this account. Wait a minute and try again.", statusCode: StatusCodes.Status429TooManyRequests),
            SignInOutcome.TooManyFromAddress => TypedResults.Problem(SignInMessages.TooManyFromAddress, statusCode: StatusCodes.Status429TooManyRequests),
            _ => TypedResults.Problem(SignInMessages.Failed, statusCode: StatusCodes.Status401Unauthorized),
        };

    /// <summary>
    /// A refresh token is good once, until it expires, within the absolute limit from sign-in, and only while the account's
    /// security stamp is unchanged (disabling an account renews the stamp). It answers a new pair; presenting a spent one
    /// ends its session (<see cref="BearerSessionService.RotateAsync"/>).
    /// </summary>
    private static async Task<Results<SignInHttpResult, ProblemHttpResult>> RefreshAsync(TokenRefreshRequest body,
        IOptionsMonitor<BearerTokenOptions> options, SignInManager<StaffUser> signIn, BearerSessionService sessions, TimeProvider clock, CancellationToken ct)
    {
        var protector = options.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
        var ticket = protector.Unprotect(body.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires
            || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { IsDisabled: false } user
            || await sessions.RotateAsync(ticket.Principal, ct) is not { } sessionClaims)
            return TypedResults.Problem("The refresh token is not valid.", statusCode: StatusCodes.Status401Unauthorized);
        var principal = await signIn.CreateUserPrincipalAsync(user);
        if (ticket.Principal.FindFirst(SessionOptions.SignedInAtClaim) is { } signedInAt)
            principal.Identities.First().AddClaim(new(signedInAt.Type, signedInAt.Value));
        principal.Identities.First().AddClaims(sessionClaims);
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }

    /// <summary>Ends the bearer session of the token it is called with: its refresh and access tokens are refused from now on.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(HttpContext http, BearerSessionService sessions, CancellationToken ct) =>
        await sessions.EndAsync(http.User, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem("Sign out with the bearer token of the session to end.", statusCode: StatusCodes.Status401Unauthorized);
}
