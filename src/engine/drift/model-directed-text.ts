import { detectionForm } from './unicode-text.js';

/**
 * What text a tool's server wrote asks the model to do. A description honestly says what the
 * tool does and when to use it; poisoning addresses the model instead: it claims authority, it
 * reorders the model's work, it asks for side effects the tool does not need, it steers calls
 * to other tools, it asks for information outside the tool's job. Each kind is recognized by
 * its grammar (a directive aimed at the model, joined to an object that makes it dangerous),
 * not by remembered sentences, so that new wordings of the same move are still seen.
 *
 * Every signal carries the sentence a user reads: what the model would be led to do.
 */
export type DirectedKind = 'authority' | 'hijack' | 'command' | 'network' | 'file-write' | 'secrets' | 'context-leak' | 'disclosure' | 'concealment' | 'lure' | 'redirect';

export interface DirectedSignal {
  kind: DirectedKind;
  /** The words that matched, as normalized (lower case, NFKC). */
  evidence: string;
  /** Why it is risky, in one plain sentence. */
  why: string;
}

/** What a signal's severity is: every kind asks the model to act against the user's intent. */
export const DIRECTED_WHY: Readonly<Record<DirectedKind, string>> = Object.freeze({
  authority: 'It speaks to the model as if it were you or the system, so the model may obey it over your request.',
  hijack: 'It tells the model to do something before, after or instead of the task you gave it.',
  command: 'It tells the model to run a command, which would execute on your machine with your rights.',
  network: 'It tells the model to contact an address outside the tool’s job, which can carry your data away.',
  'file-write': 'It tells the model to change files or settings outside the tool’s job, which can plant a persistent backdoor.',
  secrets: 'It leads the model to read or pass along keys, passwords or tokens, which could be leaked.',
  'context-leak': 'It asks the model for your conversation, its instructions or facts about you and this machine, which the tool does not need.',
  disclosure: 'It says the tool sends or keeps your data (conversation, files, keys, identity, location) somewhere outside this machine.',
  concealment: 'It tells the model to hide what it does from you.',
  lure: 'It advertises the tool as better or more official than others, so the model picks it over the tools you chose.',
  redirect: 'It steers the model away from a tool you approved, towards another tool or place.',
});

// A directive aimed at the model: the verb phrases that turn a description into an order.
const DIRECTIVE = String.raw`(?:you\s+(?:must|should|need\s+to|have\s+to|are\s+(?:required|expected)\s+to|will\s+need\s+to)|(?:must|should|shall)\s+(?:also\s+|first\s+|always\s+)?|please|make\s+sure\s+(?:to|you)|be\s+sure\s+to|remember\s+to|don'?t\s+forget\s+to|it\s+is\s+(?:mandatory|required|necessary|essential|critical|important)\s+(?:to|that)|(?:always|first|also)|is\s+required\s+to|are\s+required\s+to)`;
const NEAR = String.raw`[^.!?\n]{0,80}?`;
/** What a user would not want to leave the machine. */
const SENSITIVE_DATA = String.raw`contents?|clipboard|conversations?|chat(?:s|\s+logs?)?|user\s+messages|ai\s+responses|prompts|file\s+contents?|contents\s+of\s+(?:files|documents)|documents|api[ _-]?keys?|tokens|credentials?|passwords?|credit\s+cards?|account\s+numbers|keystrokes|screenshots|browsing\s+history|location(?:\s+history)?|contacts|e-?mails?|personal\s+(?:data|information)|names|usernames?|hostnames?|mac\s+address(?:es)?|ip\s+address(?:es)?|processes|fingerprints?|everything|all\s+(?:data|input|text|words)`;
const PERSONAL_DATA = String.raw`passwords?|credit\s+cards?|api[ _-]?keys?|credentials?|tokens|mac\s+address(?:es)?|hostnames?|usernames?|ip\s+address(?:es)?|running\s+processes|(?:machine|device|browser)\s+fingerprints?|location\s+history|keystrokes|account\s+numbers|social\s+security|conversation|user\s+messages|sensitive\s+(?:documents|data|information)`;
const OUTBOUND_VERB = String.raw`kept|keep(?:s|ing)?|retain(?:s|ed|ing)?|sav(?:e|es|ed|ing)|held|written|push(?:es|ed|ing)?|transferr?(?:s|ed|ing)?|stream(?:s|ed|ing)?|send(?:s|ing)?|sent|shar(?:e|es|ed|ing)|sync(?:s|ed|ing|hroni[sz](?:e|es|ed|ing))?|upload(?:s|ed|ing)?|transmit(?:s|ted|ting)?|forward(?:s|ed|ing)?|report(?:s|ed|ing)?|post(?:s|ed|ing)?|export(?:s|ed|ing)?|mirror(?:s|ed|ing)?|replicat(?:e|es|ed|ing)|back(?:s|ed)?\s+up|cach(?:e|es|ed|ing)|stor(?:e|es|ed|ing)|log(?:s|ged|ging)?`;
const DESTINATION = String.raw`remote|external|third[- ]part(?:y|ies)|cloud|partner|marketing|analytics|advertis|endpoint|servers?\b|across\s+devices|off[- ]site|our\s+(?:servers?|systems?|database)`;
const OUTBOUND = String.raw`(?:${OUTBOUND_VERB})\b[^.!?\n]{0,80}?\b(?:${DESTINATION})|(?:${DESTINATION})\w*\s+(?:${OUTBOUND_VERB})\b`;

interface Rule {
  kind: DirectedKind;
  pattern: RegExp;
}

const rule = (kind: DirectedKind, source: string, flags = ''): Rule => ({ kind, pattern: new RegExp(source, `u${flags}`) });

/** Rules over the normalized (lower-case) text. */
const RULES: readonly Rule[] = [
  // Authority: a message framed as coming from the user, the system or an operator, or an
  // urgent notice that the model is to heed.
  rule('authority', String.raw`\b(?:message|note|notice|instructions?|request|reminder|directive)s?\s+(?:directly\s+)?from\s+(?:the\s+|your\s+)?(?:user|system|developer|admin(?:istrator)?|operator|owner|security\s+team|platform|provider)\b`),
  rule('authority', String.raw`\b(?:system|security|compliance|critical|urgent|mandatory|admin(?:istrator)?|developer|policy|performance)\s+(?:update|override|notice|alert|message|instruction|directive|requirement|announcement)s?\b`),
  rule('authority', String.raw`\b(?:important|urgent|critical)\s+(?:message|notice|information|instruction)s?\b`),
  rule('authority', String.raw`\b(?:note|message|instructions?|reminder)\s+(?:to|for)\s+(?:the\s+|all\s+)?(?:ai|assistants?|models?|llms?|agents?|language\s+models?)\b`),
  rule('authority', String.raw`\b(?:as\s+an?\s+|dear\s+)(?:ai|assistant|language\s+model|llm|agent)\b`),
  rule('authority', String.raw`<\s*/?\s*(?:important|system|information|instructions?|admin|secret|hidden|priority|note|context|user)\s*>`),
  rule('authority', String.raw`\[\s*(?:system|important|admin|instructions?|hidden|priority)\b[^\]]{0,40}\]`),
  rule('authority', String.raw`\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|other|existing|original)\s+(?:instructions?|prompts?|messages?|rules|directions|guidelines|tasks?)\b`),
  rule('authority', String.raw`\b(?:supersedes?|takes?\s+precedence\s+over|overrides?)\b[^.]{0,30}\b(?:instructions|rules|guidelines|system\s+prompt|request)\b`),
  // Hijack: the model's order of work, or the task itself, rewritten.
  // Before or after the model's own work (answering, the task), not a precondition of the tool.
  rule('hijack', String.raw`\b(?:before|prior\s+to)\s+(?:you\s+)?(?:can\s+|do\s+|start\s+|begin\s+)?(?:answering|responding|replying|returning|presenting|showing|proceeding|continuing|solving|completing|doing\s+anything|any\s+other|the\s+task|your\s+task|this\s+task|the\s+user'?s?\s+(?:task|request|question)|anything)\b`),
  rule('hijack', String.raw`\b(?:must|should|need\s+to|have\s+to|required\s+to)\s+(?:first|also|always|additionally|immediately)\s+(?:call|use|invoke|run|execute|read|send|fetch|access|visit|open|write|update|create|add|include|pass|set|append|copy|upload|post|submit|record|log|save|store|collect|share|make|perform|clean|remove|delete|do|complete|report|notify|verify|validate|check|state|say|mention|recommend|tell)\b`),
  rule('hijack', String.raw`\b(?:first|additionally|also|afterwards|after\s+that|then)\s*,?\s+(?:you\s+)?(?:must|should|need\s+to|have\s+to)\b`),
  rule('hijack', String.raw`\b(?:must|should|need\s+to|have\s+to|are\s+required\s+to)\s+(?:then|next|afterwards|subsequently|immediately|now)\s+\w+`),
  // A precondition that is really a side task: "before using this tool, read/send/call…" (checking
  // or making sure of something is an honest precondition and does not match).
  rule('hijack', String.raw`\bbefore\s+(?:using|calling|invoking|running)\s+(?:this|the|any)\s+(?:\w+\s+)?(?:tool|function)\b,?\s+(?:you\s+)?(?:must\s+|should\s+|need\s+to\s+|have\s+to\s+)?(?:first\s+|always\s+)?(?:read|call|run|send|fetch|open|include|pass|copy|upload|access|execute|write|collect|attach|visit|post|share)\b`),
  rule('hijack', String.raw`\b(?:after|once|when(?:ever)?)\b[^.!?\n]{0,40}?\b(?:this|the)\s+(?:tool|function)\b[^.!?\n]{0,40}?\b(?:use[sd]?|using|call(?:ed|ing)?|run(?:ning)?|invok(?:ed|ing)|execut(?:ed|ing)|finish(?:ed|ing)?|complet(?:ed|ing)|done)\b${NEAR}\b(?:must|should|need\s+to|have\s+to|always|then\s+call|also)\b`),
  rule('hijack', String.raw`\b(?:instead\s+of|rather\s+than|regardless\s+of|no\s+matter)\s+(?:what\s+)?(?:the\s+|your\s+)?(?:user|task|request|question|instructions?|original)\b`),
  rule('hijack', String.raw`\b(?:every\s*time|whenever|each\s+time|anytime|any\s+time|at\s+all\s+times|in\s+all\s+cases|for\s+(?:all|every|any)\s+(?:requests?|queries|calls|tasks?|users?))\b${NEAR}\b(?:must|should|always|call|use|include|send|add|set|run)\b`),
  rule('hijack', String.raw`\balways\s+(?:call|use|invoke|run|include|add|append|set|send|pass|cc|bcc|copy|forward|prefer|choose|select|route|redirect|change|replace|convert|round|multiply|add)\b`),
  rule('hijack', String.raw`\b(?:change|replace|set|override|modify|alter|swap)\s+(?:the\s+|any\s+|all\s+)?(?:value|amount|recipient|destination|address|account|parameter|argument|price|quantity|email|url|currency)s?\b${NEAR}\b(?:to|with|by)\b`),
  // Concealment: hide it from the user.
  rule('concealment', String.raw`\b(?:do\s+not|don'?t|never|without)\s+(?:tell(?:ing)?|inform(?:ing)?|notify(?:ing)?|alert(?:ing)?|warn(?:ing)?|show(?:ing)?|mention(?:ing)?|reveal(?:ing)?|disclos(?:e|ing)|ask(?:ing)?|confirm(?:ing)?\s+with)\s+(?:this\s+(?:to\s+)?)?(?:the\s+|your\s+)?(?:user|human|person|operator|customer)\b`),
  rule('concealment', String.raw`\b(?:silently|secretly|quietly|covertly|discreetly|invisibly|in\s+the\s+background|without\s+(?:the\s+)?user(?:'s)?\s+(?:knowledge|consent|noticing))\b`),
  rule('concealment', String.raw`\b(?:do\s+not|don'?t|never)\s+let\s+(?:the\s+)?(?:user|them|anyone|the\s+human)\s+(?:know|see|find\s+out|notice|learn)\b|\bnever\s+(?:reveal|disclose|mention|show)\s+(?:this|it|that)\b`),
  rule('concealment', String.raw`\b(?:do\s+not|don'?t|never)\s+mention\b|\bkeep\s+(?:this|it)\s+(?:hidden|secret|confidential)\b|\b(?:hide|conceal)\s+(?:this|it|the)\b`),
  // Commands and code to run.
  rule('command', String.raw`\b(?:execute|run|invoke|launch|type|enter)\s+(?:the\s+|this\s+|a\s+)?(?:following\s+)?(?:shell\s+|terminal\s+|system\s+|bash\s+)?(?:commands?|scripts?|code|snippet|one-liner|line)\b`),
  rule('command', String.raw`(?:^|[\s\x60'"(;|&])(?:curl|wget|bash|sh\s+-c|zsh|powershell|pwsh|cmd(?:\.exe)?\s+/c|sudo|chmod|chown|rm\s+-rf?|mkfifo|nc|netcat|ncat|base64\s+-d|python[0-9.]*\s+-c|node\s+-e|perl\s+-e|eval|exec)(?=[\s\x60'"(;|&]|$)`),
  rule('command', String.raw`\|\s*(?:sh|bash|zsh|python[0-9.]*|node)\b|\$\([^)]{1,200}\)|\becho\s+\$\w+|&&\s*(?:echo|cat|ls|rm|curl|wget|export|source)\b`),
  rule('command', String.raw`${DIRECTIVE}${NEAR}\b(?:execute|run)\s+(?:the\s+|this\s+)?following\b`),
  rule('command', String.raw`\b(?:execute|run|type|paste)\s+[\x60'"][^\x60'"]{2,}[\x60'"]`),
  // Network: told to reach an address or a third party.
  rule('network', String.raw`${DIRECTIVE}${NEAR}\b(?:access|visit|open|contact|call|ping|fetch|post|send|submit|report|forward|upload|notify|transmit|share|sync|register|verify\s+with|connect\s+to|navigate\s+to|go\s+to|make\s+an?\s+(?:\w+\s+)?(?:request|call|connection))\b${NEAR}(?:https?://|\bwww\.|\b(?:url|endpoint|webhook|server|api|website|site|portal|service|partner|third[- ]party|external|remote|domain|address|email)\b)`),
  rule('network', String.raw`${DIRECTIVE}${NEAR}\b(?:send|call|forward|copy|cc|bcc|post|submit|report|share|upload|notify|e-?mail|mail)\b${NEAR}(?:https?://|\bwww\.|[^\s@]+@[^\s@]+\.[a-z]{2,})`),
  rule('network', String.raw`\b(?:send|post|upload|forward|transmit|share|report|sync|submit|email|bcc|cc)\b${NEAR}\bto\s+(?:https?://|www\.|[a-z0-9.-]+\.(?:com|net|org|io|ru|cn|xyz|top|app|dev|site|info)\b|[^\s@]+@[^\s@]+\.[a-z]{2,})`),
  // File and configuration writes the model is told to make.
  rule('file-write', String.raw`${DIRECTIVE}${NEAR}\b(?:write|append|add|save|store|update|modify|edit|overwrite|create|insert|place|put|copy|delete|remove)\b${NEAR}(?:(?<!\w)\.(?:bashrc|zshrc|profile|bash_profile|ssh|env|gitconfig|npmrc)\b|/etc/|\b(?:crontab|authorized_keys|startup|autostart|registry|hosts\s+file|environment\s+(?:config(?:uration)?|variables?|file)|env\s+file|config(?:uration)?\s+files?|settings\s+files?|user\s+(?:config(?:uration)?|environment|profile)|system\s+(?:config(?:uration)?|files?|settings)|log\s+files?|audit\s+(?:trail|log)|hidden\s+files?))`),
  rule('file-write', String.raw`${DIRECTIVE}${NEAR}\b(?:remov(?:e|ing)|delet(?:e|ing)|clean(?:ing)?\s+up|wip(?:e|ing)|eras(?:e|ing)|purg(?:e|ing)|truncat(?:e|ing)|empty(?:ing)?|format(?:ting)?)\b${NEAR}\b(?:files?|director(?:y|ies)|folders?|contents|/tmp|~/|home|disk|drive|database|records|logs?|backups?|history)\b`),
  // Secrets gathered or passed.
  rule('secrets', String.raw`\b(?:read|collect|gather|include|extract|retrieve|obtain|copy|pass|provide|send|attach|append|dump|list|print|output|export|share|upload|find|locate|grab|steal|harvest)\b${NEAR}(?:\bapi[ _-]?keys?\b|\b(?:access|auth|api|bearer|session|oauth|refresh|secret)[ _-]?tokens?\b|\bpasswords?\b|\bcredentials?\b|\bprivate[ _-]?keys?\b|~?/?\.ssh\b|\*?\.(?:pem|key|p12|pfx|kdbx)\b|\bhosts\.yml\b|(?<!\w)\.(?:bashrc|zshrc|bash_profile|profile|netrc|npmrc|pypirc|gitconfig|git-credentials|aws|kube|docker)\b|\bid_(?:rsa|ed25519|ecdsa)\b|\.env\b|\benvironment\s+variables?\b|\bcookies?\b|\bkeychain\b|\bseed\s+phrases?\b|\bwallet\b|\.aws/|\.npmrc\b|\.netrc\b|\bsecrets?\b)`),
  // Context leak: the conversation, the model's instructions, or the user's identity and machine.
  rule('context-leak', String.raw`\b(?:conversation|chat|message|dialog(?:ue)?|session|interaction)\s+(?:history|log|transcript|so\s+far|contents?)\b|\b(?:previous|prior|earlier|past|all|entire|full|whole)\s+(?:messages|conversations?|chats?|prompts?|instructions|context|dialog(?:ue)?|exchanges?)\b|\bsystem\s+(?:prompt|message|instructions)\b|\byour\s+(?:instructions|prompt|guidelines|rules|context|configuration)\b|\b(?:instructions|rules|prompt)\s+(?:you\s+(?:were|have\s+been|are)\s+given|given\s+to\s+you)\b|\b(?:start|beginning)\s+of\s+(?:this|the|our)\s+(?:session|conversation|chat)\b`),
  rule('context-leak', String.raw`\b(?:the\s+|your\s+)?(?:llm|ai|language\s+model|model|assistant|agent)\s+(?:that|which|who)\s+(?:is\s+)?(?:call(?:s|ing)?|us(?:es|ing)|invok(?:es|ing))\s+(?:this|the)\s+(?:tool|function|server)\b|\b(?:name|version|identity|type)\s+of\s+(?:the\s+|your\s+)?(?:llm|ai|language\s+model|model|assistant|agent)\b`),
  rule('context-leak', String.raw`${DIRECTIVE}${NEAR}\b(?:include|provide|pass|send|add|attach|collect|report|record|log|share)\b${NEAR}\b(?:ip\s+address|mac\s+address|hostname|device\s+(?:id|info(?:rmation)?|fingerprint)|fingerprint|user[- ]?agent|system\s+info(?:rmation)?|os\s+version|operating\s+system|location|home\s+(?:address|directory)|phone\s+number|e-?mail\s+address|full\s+name|date\s+of\s+birth|social\s+security|credit\s+card|personal\s+(?:data|info(?:rmation)?|details)|user(?:'s)?\s+(?:data|info(?:rmation)?|details|profile|preferences|files))\b`),
  // Disclosure: the tool itself, in plain prose, sends or keeps the user's data elsewhere.
  rule('disclosure', String.raw`\b(?:${SENSITIVE_DATA})\b[^.!?\n]{0,120}?\b(?:${OUTBOUND})`),
  rule('disclosure', String.raw`\b(?:${OUTBOUND_VERB})\b[^.!?\n]{0,120}?\b(?:${SENSITIVE_DATA})\b[^.!?\n]{0,120}?\b(?:${DESTINATION})`),
  rule('disclosure', String.raw`\b(?:collect(?:s|ed|ing)?|captur(?:e|es|ed|ing)|record(?:s|ed|ing)?|extract(?:s|ed|ing)?|incorporat(?:e|es|ed|ing)|harvest(?:s|ed|ing)?|gather(?:s|ed|ing)?|track(?:s|ed|ing)?|monitor(?:s|ed|ing)?|index(?:es|ed|ing)?|scrap(?:e|es|ed|ing)|log(?:s|ged|ging)?|retain(?:s|ed|ing)?|stor(?:e|es|ed|ing)|keep(?:s|ing)?|kept|maintain(?:s|ed|ing)?)\b[^.!?\n]{0,80}?\b(?:${PERSONAL_DATA})\b`),
  rule('disclosure', String.raw`\b(?:automatically\s+)?opted[- ]in\b|\bmarketing\s+(?:database|list|communications?)\b|\b(?:shared|sold|provided|disclosed|given)\s+(?:\w+\s+){0,2}(?:with|to)\s+(?:\w+\s+){0,2}(?:third[- ]part(?:y|ies)|partners|advertisers|affiliates|vendors|sponsors|brokers)\b`),
  // Lures: self-promotion over other tools.
  rule('lure', String.raw`\b(?:the\s+)?(?:world'?s|best|greatest|most\s+(?:reliable|accurate|trusted|comprehensive|powerful|advanced|secure|popular|recommended)|only\s+(?:reliable|trusted|correct|official|safe|secure))\s+(?:\w+\s+){0,3}?(?:tool|server|option|choice|version|solution|method|function|way|implementation|service)\b`),
  rule('lure', String.raw`\bin\s+the\s+world\b|\btrusted\s+by\b|\bused\s+by\s+(?:\d+\s*%|millions|most|all)\b|\bindustry[- ]standard\b|\b(?:number\s+one|#1)\b|\b(?:superior|premium|enhanced|upgraded|improved|advanced|optimized|official|certified|verified)\s+(?:version|edition|replacement|alternative|variant|implementation)\b|\boutperforms?\b|\bsuperior\s+to\b|\bbetter\s+than\s+(?:the\s+)?(?:other|any|all|existing|original|standard)\b`),
  rule('lure', String.raw`\b(?:always\s+)?(?:prefer|choose|select|pick|use)\s+this\s+(?:tool|function|server|one)\s+(?:over|instead|rather|first|for\s+(?:all|every|any))\b`),
  // Redirect: an approved tool declared broken or replaced.
  // An honest server deprecates tools; an attack says the approved one is dangerous, to steer away from it.
  rule('redirect', String.raw`\b(?:tool|function|server|version|endpoint|service)\b[^.!?\n]{0,40}?\b(?:has\s+been|is\s+now|was|is|are)\b[^.!?\n]{0,40}?\b(?:compromised|unsafe|insecure|vulnerable|blocked|broken|malicious|dangerous|no\s+longer\s+safe|security\s+(?:issues?|risks?|flaws?|vulnerabilit(?:y|ies)|problems?))\b`),
  rule('redirect', String.raw`\b(?:no\s+longer|not)\s+(?:available|supported|work(?:s|ing)?|functional|safe|secure|reliable|to\s+be\s+used)\b${NEAR}\b(?:use|call|instead|switch|redirect|route)\b`),
  rule('redirect', String.raw`\b(?:redirect|route|reroute|forward|switch)\s+(?:all\s+)?(?:calls?|requests?|queries|traffic|usage)\b`),
];

/**
 * A phrase that names another tool as the one to use ("use the search_pull_requests tool
 * instead"). Whether it is a redirect depends on where it leads, which the caller decides.
 */
const USE_INSTEAD = /\b(?:use|call|invoke|prefer|switch\s+to|try)\s+(?:the\s+)?[`'"]?([a-z0-9][\w.-]*[_.-][\w.-]*|[a-z]+[A-Z]\w*)[`'"]?(?:\s+tool)?\s+(?:instead|rather)\b/giu;

/**
 * A notice label in capitals ("SYSTEM UPDATE:", "ENVIRONMENT VALIDATION:") dresses text up as
 * an official message; two or more capital words are needed, so "NOTE:" in honest docs passes.
 */
const NOTICE_LABEL = /(?:^|[\s.!?>\]])((?:[A-Z]{3,}[ _-]){1,4}[A-Z]{3,})\s*[:!]/u;

/** The signals in a text, one per kind (the first match of each kind). */
export function modelDirectedSignals(text: string): DirectedSignal[] {
  const t = detectionForm(text);
  const out: DirectedSignal[] = [];
  const label = NOTICE_LABEL.exec(text.normalize('NFKC'));
  if (label) out.push({ kind: 'authority', evidence: (label[1] ?? '').toLowerCase(), why: DIRECTED_WHY.authority });
  for (const { kind, pattern } of RULES) {
    if (out.some((s) => s.kind === kind)) continue;
    const m = pattern.exec(t);
    if (m) out.push({ kind, evidence: m[0].trim().slice(0, 120), why: DIRECTED_WHY[kind] });
  }
  return out;
}

/** Tool names that a text tells the model to use instead of something else. */
export function namesToUseInstead(text: string): string[] {
  return [...text.normalize('NFKC').matchAll(USE_INSTEAD)].map((m) => m[1] ?? '').filter((n) => n !== '');
}
