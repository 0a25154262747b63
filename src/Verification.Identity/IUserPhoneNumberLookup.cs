namespace Verification.Identity;

/// <summary>
/// Finds the user who holds a phone number. Register one (scoped or singleton) when the user store is not
/// queryable (<see cref="Microsoft.AspNetCore.Identity.IQueryableUserStore{TUser}"/>) or keeps phone numbers in
/// another form than E.164; otherwise users are found by comparing their <c>PhoneNumber</c> with the E.164 number.
/// </summary>
/// <typeparam name="TUser">The Identity user type.</typeparam>
public interface IUserPhoneNumberLookup<TUser>
    where TUser : class
{
    /// <summary>The users who hold <paramref name="phoneNumber"/>; empty when none does.</summary>
    /// <param name="phoneNumber">The phone number in E.164, for example <c>+8615588665555</c>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The users found; more than one makes a sign-in by that number refuse (the number is ambiguous).</returns>
    Task<IReadOnlyList<TUser>> FindByPhoneNumberAsync(string phoneNumber, CancellationToken cancellationToken = default);
}
