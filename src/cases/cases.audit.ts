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
    'case-subject.link': true;
    'case-subject.unlink': true;
    'case-subject.list': true;
    'case-organization.link': true;
    'case-organization.unlink': true;
    'case-organization.list': true;
    'subject.cases.list': true;
    'organization.cases.list': true;
  }
}

/**
 * The reads of case content: in a case's timeline, only its lead and supervisors see them (and denied
 * attempts); other members see the changes.
 */
export const CASE_READ_ACTIONS = ['case.read', 'case.list', 'member.list', 'note.read', 'note.list', 'task.read', 'task.list', 'timeline.read', 'case-subject.list', 'case-organization.list'] as const;
