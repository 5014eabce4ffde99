// `sdocker completion bash|zsh|fish`: small scripts that ask `sdocker __complete WORDS...` and
// read its answer in cobra's format (protocol.ts). Typed as the `docker` function of
// shell-init (bash, zsh), the words that function sends to docker are asked of docker's own
// `docker __complete`, so `docker ps <TAB>` costs no Node start.
import type { Shell } from './shell.js';

const ROUTED = 'run|create|exec|compose|container';

const BASH = `# sdocker completion for bash. Add to ~/.bashrc, after shell-init's line:
#   eval "$(sdocker completion bash)"
_sdocker_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} out line directive=0
  local -a words=("\${COMP_WORDS[@]:1:COMP_CWORD-1}") lines ask=(sdocker __complete)
  if [[ \${COMP_WORDS[0]} == docker ]]; then
    case "\${words[0]-}" in
      ${ROUTED}) ;;
      *) ask=(docker __complete) ;;
    esac
  fi
  out=$(command "\${ask[@]}" "\${words[@]}" "$cur" 2>/dev/null) || return 0
  mapfile -t lines <<<"$out"
  if [[ \${lines[-1]-} == :* ]]; then directive=\${lines[-1]#:}; unset 'lines[-1]'; fi
  COMPREPLY=()
  for line in "\${lines[@]}"; do
    line=\${line%%$'\\t'*}
    [[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$line")
  done
  (( directive & 2 )) && compopt -o nospace 2>/dev/null
  (( directive & 4 )) && compopt +o default 2>/dev/null
  return 0
}
complete -o default -F _sdocker_complete sdocker
# shell-init's docker function: run/create/exec/compose words are sdocker's, the rest docker's.
[[ $(type -t docker) == function ]] && complete -o default -F _sdocker_complete docker
`;

const ZSH = `# sdocker completion for zsh. Add to ~/.zshrc, after compinit and shell-init's line:
#   eval "$(sdocker completion zsh)"
_sdocker() {
  local cur=\${words[CURRENT]} out line directive=0
  local -a lines values descriptions ask=(sdocker __complete)
  if [[ \${words[1]} == docker ]]; then
    case "\${words[2]-}" in
      ${ROUTED}) ;;
      *) ask=(docker __complete) ;;
    esac
  fi
  out=$(command $ask "\${(@)words[2,CURRENT-1]}" "$cur" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  if [[ \${lines[-1]-} == :* ]]; then directive=\${lines[-1]#:}; lines=("\${(@)lines[1,-2]}"); fi
  for line in $lines; do
    [[ -z $line ]] && continue
    values+=("\${line%%$'\\t'*}")
    descriptions+=("\${line//$'\\t'/  -- }")
  done
  if (( \${#values} )); then
    if (( directive & 2 )); then compadd -S '' -l -d descriptions -- $values; else compadd -l -d descriptions -- $values; fi
  elif (( ! (directive & 4) )); then
    _files
  fi
}
compdef _sdocker sdocker
(( $+functions[docker] )) && compdef _sdocker docker
`;

// fish: only the sdocker command. fish loads docker's own completion for \`docker\` by itself
// (vendor_completions.d), and two sets for one command would show every candidate twice.
const FISH = `# sdocker completion for fish. Add to ~/.config/fish/config.fish:
#   sdocker completion fish | source
function __sdocker_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l out (command sdocker __complete $words[2..-1] $cur 2>/dev/null)
    or return
    set -l directive 0
    if string match -qr '^:[0-9]+$' -- $out[-1]
        set directive (string sub -s 2 -- $out[-1])
        set -e out[-1]
    end
    if test (count $out) -gt 0
        printf '%s\\n' $out
    else if test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path $cur
    end
end
complete -c sdocker -f -a '(__sdocker_complete)'
`;

export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
