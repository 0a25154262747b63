using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Verification.Samples.WebApi;

/// <summary>The sample's Identity users: ASP.NET Core Identity's own EF Core schema on SQLite.</summary>
public sealed class SampleUsersDbContext(DbContextOptions<SampleUsersDbContext> options) : IdentityDbContext<IdentityUser>(options);

/// <summary>
/// <c>Sample:Users=Identity</c>: users live in ASP.NET Core Identity, stored by EF Core in a SQLite file
/// (<c>Sample:UsersDatabase</c>, by default <c>App_Data/users.db</c> under the sample's folder, created on first run).
/// Sign-up, sign-in, token refresh and user/me then come from Verification.Identity and answer the CloudBase
/// client's credentials; <c>is_user</c> asks Identity. Without the switch the sample keeps its in-memory demo users.
/// </summary>
internal static class SampleIdentityUsers
{
    /// <summary>Registers Identity and its SQLite store when <c>Sample:Users</c> is <c>Identity</c>; true when it did.</summary>
    public static bool AddSampleIdentityUsers(this WebApplicationBuilder builder, IVerificationBuilder verification)
    {
        if (!string.Equals(builder.Configuration["Sample:Users"], "Identity", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var database = builder.Configuration["Sample:UsersDatabase"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
            : Path.Combine(builder.Environment.ContentRootPath, "App_Data", "users.db");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        builder.Services.AddDbContext<SampleUsersDbContext>(o => o.UseSqlite($"Data Source={database}"));

        // Identity with its bearer tokens (what the sign-in endpoints issue) and Verification's codes for its
        // phone-number changes and two-factor sign-in.
        builder.Services.AddIdentityApiEndpoints<IdentityUser>().AddEntityFrameworkStores<SampleUsersDbContext>().AddVerificationTokenProvider();
        verification.AddIdentityUsers<IdentityUser>();
        return true;
    }

    /// <summary>Creates the database on first run and maps POST signup, signin, token and GET user/me.</summary>
    public static void MapSampleIdentityUsers(this WebApplication app)
    {
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<SampleUsersDbContext>().Database.EnsureCreated();
        }

        app.MapVerificationSignIn<IdentityUser>();
    }
}
