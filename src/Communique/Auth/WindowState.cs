namespace Communique.Auth;

public readonly record struct WindowState(bool Allowed, int Limit, int Remaining, TimeSpan ResetIn);
