"""Ship a handler: sign-in, deploy sessions, push, release and the wait for ready."""
