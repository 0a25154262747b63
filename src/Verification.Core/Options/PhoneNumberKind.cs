namespace Verification;

/// <summary>Kinds of phone numbers (<c>Verification:Phone:AllowedNumberTypes</c>).</summary>
public enum PhoneNumberKind
{
    /// <summary>Mobile numbers.</summary>
    Mobile = 1,

    /// <summary>Fixed-line numbers.</summary>
    FixedLine = 2,

    /// <summary>Voice-over-IP numbers.</summary>
    Voip = 3,

    /// <summary>Toll-free numbers.</summary>
    TollFree = 4,

    /// <summary>Personal numbers.</summary>
    PersonalNumber = 5,

    /// <summary>Pagers.</summary>
    Pager = 6,

    /// <summary>Universal access numbers.</summary>
    Uan = 7,
}
