// Shell functions that send only the hardened subcommands (run, create, exec, compose, stack)
// through sdocker: every other docker command runs docker directly, so `docker ps` costs nothing
// extra. `stack` goes whole: sdocker hardens `stack deploy`/`up` and passes the rest to docker.
// `docker-compose` (compose v1, the one Debian ships) goes whole to `sdocker compose`, told to run
// docker-compose itself (SDOCKER_COMPOSE) even where the plugin is installed: its subcommand
// comes after its own options and files, so the shell cannot pick out the hardened ones.
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const POSIX = `# sdocker: docker's container-creating commands go through sdocker; the rest go straight
# to docker. Add to ~/.bashrc or ~/.zshrc:  eval "$(sdocker shell-init SHELL)"
# Completion (sdocker's options, then docker's own): eval "$(sdocker completion SHELL)" after it.
docker() {
  case "\${1-}" in
    run|create|exec|compose|stack|-*) command sdocker "$@" ;;
    container)
      case "\${2-}" in
        run|create|exec|-*) command sdocker "$@" ;;
        *) command docker "$@" ;;
      esac ;;
    *) command docker "$@" ;;
  esac
}
docker-compose() {
  SDOCKER_COMPOSE=docker-compose command sdocker compose "$@"
}
`;

const FISH = `# sdocker: docker's container-creating commands go through sdocker; the rest go straight
# to docker. Add to ~/.config/fish/config.fish:  sdocker shell-init fish | source
# Completion of sdocker's own words: sdocker completion fish | source
function docker --wraps docker --description 'docker, hardened by sdocker'
    set -l sub $argv[1]
    if test "$sub" = container
        set sub $argv[2]
        # docker container compose/stack is no command: keep it docker's
        contains -- "$sub" compose stack; and set sub none
    end
    switch "$sub"
        case run create exec compose stack '-*'
            command sdocker $argv
        case '*'
            command docker $argv
    end
end
function docker-compose --wraps docker-compose --description 'docker-compose, hardened by sdocker'
    SDOCKER_COMPOSE=docker-compose command sdocker compose $argv
end
`;

export function shellInit(shell: Shell): string {
  return shell === 'fish' ? FISH : POSIX.replaceAll('SHELL', shell);
}
