using CorePortal.Data;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Features.Auth;

/// <summary>
/// `add-user --email E --name N --role R`, with the password in COREPORTAL_PASSWORD (kept out of shell history):
/// how a studio without the demo seed gets its first sign-in, since production has no default password.
/// </summary>
public sealed record AddUserCommand(string Email, string Name, string Role)
{
    public const string PasswordVariable = "COREPORTAL_PASSWORD";

    public static AddUserCommand? TryParse(string[] args)
    {
        if (args.Length == 0 || args[0] != "add-user") return null;
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new AddUserCommand(Option("--email") ?? "", Option("--name") ?? "", Option("--role") ?? Roles.Admin);
    }

    /// <summary>Creates the user; returns the process exit code and prints what happened.</summary>
    public async Task<int> RunAsync(IServiceProvider services, string? password)
    {
        if (!Roles.StaffRoles.Contains(Role)) return Fail($"--role must be one of {string.Join(", ", Roles.StaffRoles)}.");
        if (string.IsNullOrWhiteSpace(password)) return Fail($"Set the password in the {PasswordVariable} environment variable.");
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.StaffRoles.Append(Roles.Member))
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = Email, Email = Email, EmailConfirmed = true, DisplayName = string.IsNullOrWhiteSpace(Name) ? Email : Name };
        var created = await users.CreateAsync(user, password);
        if (created.Succeeded) created = await users.AddToRoleAsync(user, Role);
        if (!created.Succeeded) return Fail(string.Join(" ", created.Errors.Select(e => e.Description)));
        Console.WriteLine($"Added {Email} as {Role}.");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
