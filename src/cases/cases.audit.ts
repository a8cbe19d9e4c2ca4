declare module '../audit/audit-actions' {
  interface AuditActions {
    'case.create': true;
    'case.update': true;
    'case.read': true;
    'case.list': true;
    'member.add': true;
    'member.update': true;
    'member.remove': true;
    'member.list': true;
    'note.create': true;
    'note.update': true;
    'note.read': true;
    'note.list': true;
    'task.create': true;
    'task.update': true;
    'task.read': true;
    'task.list': true;
    'timeline.read': true;
  }
}

/**
 * The reads of case content: in a case's timeline, only its lead and supervisors see them (and denied
 * attempts); other members see the changes.
 */
export const CASE_READ_ACTIONS = ['case.read', 'case.list', 'member.list', 'note.read', 'note.list', 'task.read', 'task.list', 'timeline.read'] as const;
